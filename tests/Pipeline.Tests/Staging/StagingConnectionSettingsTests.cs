using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>Key and known_hosts paths that do not exist are refused before ssh runs, naming the path and the setting.</summary>
public sealed class StagingConnectionSettingsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("staging-files-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Existing(string name)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, "");
        return path;
    }

    [Fact]
    public void A_missing_key_file_is_named_with_the_setting_and_the_alternative()
    {
        var missing = Path.Combine(_dir.FullName, "id_gone");
        var settings = StagingFixtures.Settings() with { SshKey = missing, KnownHosts = Existing("known_hosts") };
        var error = Assert.Throws<PipelineException>(() => settings.RequireConnectionSettings());
        Assert.Equal($"The staging SSH key {missing} does not exist", error.Message);
        Assert.Contains("--staging-ssh-key / STAGING_SSH_KEY", error.Fix);
        Assert.Contains("STAGING_SSH_PRIVATE_KEY", error.Fix);
    }

    [Fact]
    public void A_missing_known_hosts_file_is_named_with_the_setting()
    {
        var missing = Path.Combine(_dir.FullName, "known_hosts_gone");
        var settings = StagingFixtures.Settings() with { SshKey = Existing("id"), KnownHosts = missing };
        var error = Assert.Throws<PipelineException>(() => settings.RequireConnectionSettings());
        Assert.Equal($"The staging known_hosts file {missing} does not exist", error.Message);
        Assert.Contains("--staging-known-hosts / STAGING_KNOWN_HOSTS", error.Fix);
    }

    [Fact]
    public void Existing_files_or_none_at_all_pass_and_give_the_first_host()
    {
        var withFiles = StagingFixtures.Settings() with { SshKey = Existing("id"), KnownHosts = Existing("known_hosts") };
        Assert.Equal("staging-1", withFiles.RequireConnectionSettings().Name);
        // No paths: ssh uses its own key and known_hosts, which are its business.
        var sshDefaults = StagingFixtures.Settings() with { SshKey = null, KnownHosts = null };
        Assert.Equal("staging-1", sshDefaults.RequireConnectionSettings().Name);
    }

    [Fact]
    public void The_dry_run_does_not_need_the_files()
    {
        var settings = StagingFixtures.Settings() with { SshKey = Path.Combine(_dir.FullName, "id_gone") };
        Assert.NotEmpty(new StagingPlan(settings, "run-1").DescribeDeploy().ToList());
    }
}
