using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>
/// Each way a connection fails, against a test's own sshd: the error names the host, what failed and the fix, and
/// nothing runs on a host whose key was refused.
/// </summary>
public sealed class SshFailureTests : IAsyncLifetime
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TestSshd _sshd = null!;
    private string _dir = null!;

    public async ValueTask InitializeAsync()
    {
        _sshd = await TestSshd.StartAsync();
        _dir = Directory.CreateTempSubdirectory("ssh-failures-").FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _sshd.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<PipelineException> FailsAsync(StagingSettings settings)
    {
        await using var connections = new StagingConnections(settings);
        return await Assert.ThrowsAsync<PipelineException>(() => connections.For(settings.Hosts[0]).RunAsync(RemoteCommand.Of("echo", "echo", "ran"), Token));
    }

    private async Task<string> OtherHostKeyAsync() =>
        string.Join(' ', (await File.ReadAllTextAsync(await SshKeys.GenerateAsync(_dir, "other", "ed25519") + ".pub")).Split(' ').Take(2));

    private string Fingerprint => KnownHostsMatcher.Fingerprint(Convert.FromBase64String(_sshd.HostKeys["ssh-ed25519"].Split(' ')[1]));

    private bool LoggedIn => _sshd.Log().Contains("Accepted publickey");

    [Fact]
    public async Task A_changed_host_key_is_refused_naming_the_host_the_fingerprint_it_showed_and_the_fix()
    {
        var error = await FailsAsync(await StagingFixtures.OwnSettingsAsync(_sshd, $"[127.0.0.1]:{_sshd.Port} {await OtherHostKeyAsync()}"));

        Assert.Equal(
            $"Staging host own-1 (root@127.0.0.1:{_sshd.Port}) refused: its host key {Fingerprint} is not the ssh-ed25519 key " +
            $"the known_hosts lines of --staging-known-hosts / STAGING_KNOWN_HOSTS pins for [127.0.0.1]:{_sshd.Port} (line 1)", error.Message);
        Assert.Contains("ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub", error.Fix);
        Assert.Contains("never turn checking off", error.Fix);
        Assert.False(LoggedIn, "a refused host must never see the login");
    }

    [Fact]
    public async Task A_host_not_in_known_hosts_is_refused_with_the_keyscan_that_prints_its_line()
    {
        // Pinned for port 22 only: as in OpenSSH, that says nothing about another port of the same address.
        var error = await FailsAsync(await StagingFixtures.OwnSettingsAsync(_sshd, _sshd.KnownHostsLine(name: "127.0.0.1")));

        Assert.Equal($"Staging host own-1 (root@127.0.0.1:{_sshd.Port}) refused: its host key {Fingerprint} (ssh-ed25519) is not in " +
            "the known_hosts lines of --staging-known-hosts / STAGING_KNOWN_HOSTS", error.Message);
        Assert.Contains($"ssh-keyscan -p {_sshd.Port} 127.0.0.1", error.Fix);
        Assert.Contains($"looked up as [127.0.0.1]:{_sshd.Port}", error.Detail);
        Assert.False(LoggedIn);
    }

    [Fact]
    public async Task A_revoked_host_key_is_refused_even_though_another_line_pins_it()
    {
        var error = await FailsAsync(await StagingFixtures.OwnSettingsAsync(_sshd, $"{_sshd.KnownHostsLine()}\n@revoked * {_sshd.HostKeys["ssh-ed25519"]}"));

        Assert.Equal($"Staging host own-1 (root@127.0.0.1:{_sshd.Port}) refused: its host key {Fingerprint} is revoked " +
            "(@revoked, line 2 of the known_hosts lines of --staging-known-hosts / STAGING_KNOWN_HOSTS)", error.Message);
        Assert.Contains("Never remove the @revoked line", error.Fix);
        Assert.False(LoggedIn);
    }

    [Fact]
    public async Task A_host_named_only_by_a_cert_authority_line_is_refused_saying_certificates_are_not_supported()
    {
        var error = await FailsAsync(await StagingFixtures.OwnSettingsAsync(_sshd, $"@cert-authority [127.0.0.1]:* {await OtherHostKeyAsync()}"));

        Assert.EndsWith("names it only on @cert-authority line 1, and host certificates are not supported", error.Message);
        Assert.Contains("Pin the host's own key", error.Fix);
    }

    [Fact]
    public async Task A_key_the_host_does_not_accept_is_refused_at_login_naming_the_key()
    {
        var stranger = await SshKeys.GenerateAsync(_dir, "stranger", "ed25519");
        var error = await FailsAsync(await StagingFixtures.OwnSettingsAsync(_sshd) with { SshKey = stranger });

        Assert.Equal($"Staging host own-1 (root@127.0.0.1:{_sshd.Port}) did not accept the key", error.Message);
        Assert.Contains($"{stranger} (--staging-ssh-key / STAGING_SSH_KEY)", error.Fix);
        Assert.Contains("authorized_keys", error.Fix);
    }

    [Fact]
    public async Task A_closed_port_fails_at_once_as_unreachable()
    {
        var port = TestSshd.FreePort();
        var settings = await StagingFixtures.OwnSettingsAsync(_sshd, connectTimeout: TimeSpan.FromSeconds(20)) with
        {
            Hosts = [new StagingHost("gone", "root", "127.0.0.1", port, "127.0.0.1", 3009)],
        };
        var clock = Stopwatch.StartNew();
        var error = await FailsAsync(settings);

        Assert.Equal($"Staging host gone (root@127.0.0.1:{port}) is unreachable: the connection was refused", error.Message);
        Assert.Contains("sshd runs there", error.Fix);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}: a refused connection must not wait for the timeout");
    }

    [Fact]
    public async Task A_host_that_accepts_and_never_speaks_fails_at_the_connect_timeout()
    {
        // The kernel completes the TCP handshake from the backlog; nothing ever reads or writes: a hung sshd.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var settings = await StagingFixtures.OwnSettingsAsync(_sshd, connectTimeout: TimeSpan.FromSeconds(2)) with
        {
            Hosts = [new StagingHost("hung", "root", "127.0.0.1", port, "127.0.0.1", 3009)],
        };
        var clock = Stopwatch.StartNew();
        var error = await FailsAsync(settings);

        Assert.Equal($"Staging host hung (root@127.0.0.1:{port}) did not answer within 2 s", error.Message);
        Assert.Contains("--ssh-timeout / SSH_TIMEOUT", error.Fix);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task A_passphrase_protected_key_without_its_passphrase_fails_before_any_connection()
    {
        var locked = await SshKeys.GenerateAsync(_dir, "locked", "ed25519", passphrase: "correct horse");
        var settings = await StagingFixtures.OwnSettingsAsync(_sshd) with { SshKey = locked };

        var error = Assert.Throws<PipelineException>(() => new StagingConnections(settings));
        Assert.Equal($"The staging SSH key ({locked} (--staging-ssh-key / STAGING_SSH_KEY)) is passphrase-protected and STAGING_SSH_KEY_PASSPHRASE is not set", error.Message);

        var wrong = Assert.Throws<PipelineException>(() => new StagingConnections(settings with { SshKeyPassphrase = new Pipeline.Config.Secret("wrong horse") }));
        Assert.EndsWith("could not be unlocked with the passphrase in STAGING_SSH_KEY_PASSPHRASE", wrong.Message);
        Assert.DoesNotContain("wrong horse", wrong.Message + wrong.Fix + wrong.Detail);
        Assert.DoesNotContain("remote software version", _sshd.Log());
    }

    [Fact]
    public async Task A_public_key_given_as_the_key_is_refused_as_not_a_private_key()
    {
        var key = await SshKeys.GenerateAsync(_dir, "mixed-up", "ed25519");
        var error = Assert.Throws<PipelineException>(() => new StagingConnections(StagingFixtures.Settings(_sshd.Host()) with { SshKey = key + ".pub" }));
        Assert.EndsWith("is not a private key SSH.NET can read", error.Message);
    }
}
