using System.Text;
using Pipeline.Tests.Staging;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The staging key and known_hosts given as CI gives them (the key's text in a secret, the known_hosts lines in a
/// variable), through ./build.sh against the sandbox's real sshd: it connects, and the key shows up nowhere.
/// </summary>
[Collection(BuildScriptCollection.Name)]
public sealed class StagingKeyFromSecretTests(ITestOutputHelper log) : IAsyncLifetime
{
    private readonly StagingHostsHelper _staging = new("sshkey");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _staging.DisposeAsync();

    [Fact]
    public async Task A_key_and_known_hosts_given_as_text_connect_and_the_key_is_in_no_output_and_no_file_left_behind()
    {
        var sandbox = StagingFixtures.Sandbox();
        var key = File.ReadAllText(sandbox.IdentityFile);
        // As a secret store may hand it over: CRLF line ends and no final newline.
        var pasted = key.TrimEnd('\n').Replace("\n", "\r\n");
        var secrets = new List<string> { key.Trim(), pasted, Convert.ToBase64String(Encoding.UTF8.GetBytes(key)) };
        secrets.AddRange(TestKeys.BodyLines(key).Where(l => l.Length >= 16));
        var environment = _staging.Environment('1');
        environment["STAGING_SSH_PRIVATE_KEY"] = pasted;
        environment["STAGING_KNOWN_HOSTS"] = File.ReadAllText(sandbox.KnownHosts);
        var temp = Path.GetTempPath();
        var sessionsBefore = Directory.GetDirectories(temp, "pipeline-ssh-*").ToHashSet();
        var started = DateTime.UtcNow.AddSeconds(-1);

        var (dryExit, dryRun) = await BuildScript.RunAsync(["StagingUnlock", "--dryrun"], environment);
        Assert.True(dryExit == 0, dryRun);
        Assert.Contains("ssh key: the key in STAGING_SSH_PRIVATE_KEY ([REDACTED]), loaded in memory (no key file is written", dryRun);
        Assert.Contains("known hosts: the 2 host key line(s) of STAGING_KNOWN_HOSTS", dryRun);

        // A lock of this class's own app name, which no other run holds: StagingUnlock connects, finds it free, changes nothing.
        var (exitCode, output) = await BuildScript.RunAsync(["StagingUnlock"], environment);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"the staging deploy lock '{_staging.Container}' on staging-1 was not held", output);

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, dryRun);
            Assert.DoesNotContain(secret, output);
        }
        var leftBehind = Directory.GetDirectories(temp, "pipeline-ssh-*").Except(sessionsBefore).ToList();
        Assert.True(leftBehind.Count == 0, "left behind: " + string.Join(", ", leftBehind));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var written = new[] { BuildScript.RepositoryRoot, home, temp }
            .SelectMany(root => SecretsTests.FilesWrittenSince(root, started))
            .Distinct()
            .ToList();
        // The run that connected went through sandbox/up.sh, which rewrites its state, and both sshds log: not vacuous.
        Assert.NotEmpty(written);
        log.WriteLine($"{written.Count} files written since the runs started:\n" + string.Join("\n", written.Take(50)));
        var leaks = written.Where(path => SecretsTests.Contains(path, secrets)).ToList();
        Assert.True(leaks.Count == 0, "the key found in: " + string.Join(", ", leaks));
    }

    [Fact]
    public async Task A_malformed_key_stops_only_runs_that_use_staging_and_is_never_shown()
    {
        const string garbage = "paste-error-8c1f4e0b2d7a";
        var environment = _staging.Environment('1');
        environment["STAGING_SSH_PRIVATE_KEY"] = garbage;

        var (statusExit, status) = await BuildScript.RunAsync(["DepsStatus"], environment);
        Assert.True(statusExit == 0, status);
        Assert.Contains("  staging:   not used by this run (its settings are not valid: STAGING_SSH_PRIVATE_KEY is not a private key", status);

        var (unlockExit, unlock) = await BuildScript.RunAsync(["StagingUnlock"], environment);
        Assert.Equal(2, unlockExit);
        Assert.Contains("STAGING_SSH_PRIVATE_KEY is not a private key", unlock);
        // Refused with the settings, before the sandbox check and before any target.
        Assert.DoesNotContain("Sandbox: making sure", unlock);
        Assert.DoesNotContain(garbage, status + unlock);
    }
}
