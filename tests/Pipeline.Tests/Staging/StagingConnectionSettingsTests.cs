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
        var gone = Path.Combine(_dir.FullName, "id_gone");
        var goneHosts = Path.Combine(_dir.FullName, "known_hosts_gone");
        var present = Existing("id");
        var presentHosts = Existing("known_hosts");
        var missing = new StagingPlan(StagingFixtures.Settings() with { SshKey = gone, KnownHosts = goneHosts }, "run-1").DescribeDeploy().ToList();
        var existing = new StagingPlan(StagingFixtures.Settings() with { SshKey = present, KnownHosts = presentHosts }, "run-1").DescribeDeploy().ToList();

        // The whole plan, every host step to the unlock, as with files that exist: only the paths differ, and the
        // lock line's holder, which carries the moment it was made.
        Assert.Equal($"ssh key: {gone} (--staging-ssh-key / STAGING_SSH_KEY), loaded in memory (no key file is written, no agent is asked)", missing[1]);
        Assert.Equal($"known hosts: {goneHosts}; any other host key is refused", missing[2]);
        Assert.Contains(missing, l => l.StartsWith("staging-1: [start] docker run ", StringComparison.Ordinal));
        Assert.StartsWith("unlock on staging-1: ", missing[^2]);
        Assert.Equal("then every connection is closed", missing[^1]);
        Assert.Equal(existing.Count, missing.Count);
        for (var i = 0; i < existing.Count; i++)
        {
            if (existing[i].StartsWith("lock on ", StringComparison.Ordinal)) Assert.StartsWith("lock on staging-1: sh -c ", missing[i]);
            else Assert.Equal(existing[i].Replace(present, gone).Replace(presentHosts, goneHosts), missing[i]);
        }
    }
}
