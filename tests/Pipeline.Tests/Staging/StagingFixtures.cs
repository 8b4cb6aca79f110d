using Pipeline.Config;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>Settings values for the staging tests, and the sandbox's real hosts (a missing sandbox fails, never skips).</summary>
public static class StagingFixtures
{
    public static StagingSettings Settings(params StagingHost[] hosts) => new(
        hosts.Length > 0 ? hosts : [new StagingHost("staging-1", "root", "127.0.0.1", 2222, "127.0.0.1", 3001)],
        "/keys/id_ed25519",
        "/keys/known_hosts",
        "sample-app",
        3000,
        "~/sample-app.env",
        "staging",
        "nginx:1.27",
        TimeSpan.FromSeconds(60),
        "1s",
        TimeSpan.FromSeconds(10),
        "lb drain {host}",
        "lb enable {host}",
        TimeSpan.Zero,
        "127.0.0.1:5000/sample-app:develop-abc1234",
        "develop-abc1234");

    public static SandboxStaging Sandbox()
    {
        var directory = Environment.GetEnvironmentVariable("PIPELINE_SANDBOX_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pipeline-sandbox");
        return SandboxStaging.Read(Path.Combine(directory, "sandbox.json"), "sample-app")
            ?? throw new InvalidOperationException($"The sandbox's staging hosts are missing ({directory}/sandbox.json): run sandbox/up.sh");
    }

    /// <summary>Settings that reach a test's own sshd with the shared client key, pinning the given known_hosts lines.</summary>
    public static async Task<StagingSettings> OwnSettingsAsync(TestSshd sshd, string? knownHostsLines = null, TimeSpan? connectTimeout = null) =>
        Settings(sshd.Host()) with
        {
            SshKey = await SshKeys.SharedClientAsync(),
            KnownHosts = null,
            KnownHostsLines = (knownHostsLines ?? sshd.KnownHostsLine()) + "\n",
            SshConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
        };

    public static StagingSettings SandboxSettings(TimeSpan? connectTimeout = null, string? knownHosts = null)
    {
        var sandbox = Sandbox();
        var hosts = sandbox.Hosts.Select(h => new StagingHost(h.Name, h.User, h.Address, h.Port, "127.0.0.1", h.AppPort, h.EnvFile)).ToList();
        return Settings([.. hosts]) with
        {
            SshKey = sandbox.IdentityFile,
            KnownHosts = knownHosts ?? sandbox.KnownHosts,
            Jump = sandbox.Jump is null ? null : SshEndpoint.ParseJump(sandbox.Jump, "sandbox.json"),
            SshConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10),
        };
    }
}
