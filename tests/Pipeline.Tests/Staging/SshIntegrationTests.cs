using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>The SSH layer against the sandbox's real sshd on staging-1 (a missing sandbox fails these tests).</summary>
public sealed class SshIntegrationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hostile_arguments_reach_the_remote_command_unchanged()
    {
        var settings = StagingFixtures.SandboxSettings();
        await using var session = new SshSession(settings);
        string[] hostile = ["a;b", "$(id)", "`id`", "it's", "\"q\"", "x  y", "*", "$HOME", "-e", "~/x", "é ✓", ""];
        var result = await session.For(settings.Hosts[0]).RunCheckedAsync(RemoteCommand.Of("echo", ["printf", "%s|", .. hostile]), Token);
        Assert.Equal(string.Join("|", hostile) + "|", result.Output);
        // A line break cannot travel as one word of an sh line: it is refused before anything is sent.
        await Assert.ThrowsAsync<PipelineException>(() => session.For(settings.Hosts[0]).RunCheckedAsync(RemoteCommand.Of("echo", ["printf", "%s|", "l1\nl2"]), Token));
    }

    [Fact]
    public async Task The_stdin_payload_reaches_the_remote_command_and_the_session_has_the_hosts_own_docker()
    {
        var settings = StagingFixtures.SandboxSettings();
        await using var session = new SshSession(settings);
        var secret = new Pipeline.Config.Secret("payload-" + Guid.NewGuid().ToString("N"));
        var command = RemoteCommand.Script("read stdin", "cat; echo; echo \"$DOCKER_HOST\"").WithStdin(secret);
        var result = await session.For(settings.Hosts[0]).RunCheckedAsync(command, Token);
        var lines = result.Output.Split('\n');
        Assert.Equal(secret.Reveal(), lines[0]);
        Assert.EndsWith("/staging-1/docker.sock", lines[1]);
    }

    [Fact]
    public async Task A_host_key_not_in_known_hosts_is_refused()
    {
        var empty = Path.GetTempFileName();
        try
        {
            var settings = StagingFixtures.SandboxSettings(knownHosts: empty);
            await using var session = new SshSession(settings);
            var error = await Assert.ThrowsAsync<PipelineException>(() =>
                session.For(settings.Hosts[0]).RunAsync(RemoteCommand.Of("echo", "true"), Token));
            Assert.Contains($"host key not in {empty}", error.Message);
            Assert.Contains("never turn checking off", error.Fix);
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Fact]
    public async Task A_key_and_known_hosts_given_as_text_connect_and_the_written_files_are_gone_afterwards()
    {
        var sandbox = StagingFixtures.Sandbox();
        // As a CI secret store may hand it over: CRLF line ends, no final newline.
        var pasted = File.ReadAllText(sandbox.IdentityFile).TrimEnd('\n').Replace("\n", "\r\n");
        var settings = StagingFixtures.SandboxSettings() with
        {
            SshKey = null,
            KnownHosts = null,
            SshPrivateKey = PrivateKeyText.Normalise(pasted),
            KnownHostsLines = KnownHostsText.Normalise(File.ReadAllText(sandbox.KnownHosts), "STAGING_KNOWN_HOSTS"),
        };
        var session = new SshSession(settings);
        var directory = session.PrivateDirectory;
        try
        {
            foreach (var host in settings.Hosts)
                Assert.Equal(host.Name, (await session.For(host).RunCheckedAsync(RemoteCommand.Of("echo", "echo", host.Name), Token)).Output);
            Assert.True(File.Exists(Path.Combine(directory, SshCredentialFiles.KeyFileName)));
        }
        finally
        {
            await session.DisposeAsync();
        }
        Assert.False(Directory.Exists(directory), $"{directory} is left behind");
    }

    [Fact]
    public async Task Known_hosts_lines_with_another_key_for_the_host_are_refused_naming_the_setting()
    {
        var otherKey = new byte[4 + 11 + 4 + 32];
        BinaryPrimitives.WriteUInt32BigEndian(otherKey, 11);
        "ssh-ed25519"u8.CopyTo(otherKey.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(otherKey.AsSpan(15), 32);
        RandomNumberGenerator.Fill(otherKey.AsSpan(19));
        var settings = StagingFixtures.SandboxSettings() with
        {
            KnownHosts = null,
            KnownHostsLines = $"[127.0.0.1]:2222 ssh-ed25519 {Convert.ToBase64String(otherKey)}\n",
        };
        await using var session = new SshSession(settings);
        var error = await Assert.ThrowsAsync<PipelineException>(() =>
            session.For(settings.Hosts[0]).RunAsync(RemoteCommand.Of("echo", "true"), Token));
        Assert.Contains("refused: host key not in the known_hosts lines of --staging-known-hosts / STAGING_KNOWN_HOSTS", error.Message);
        Assert.DoesNotContain(session.PrivateDirectory, error.Message);
    }

    [Fact]
    public async Task A_host_refusing_connections_fails_naming_it()
    {
        var settings = StagingFixtures.SandboxSettings(connectTimeout: TimeSpan.FromSeconds(3)) with
        {
            Hosts = [new StagingHost("gone", "root", "127.0.0.1", 2299, "127.0.0.1", 3009)],
        };
        await using var session = new SshSession(settings);
        var error = await Assert.ThrowsAsync<PipelineException>(() =>
            session.For(settings.Hosts[0]).RunAsync(RemoteCommand.Of("echo", "true"), Token));
        Assert.Contains("gone (root@127.0.0.1:2299) is unreachable", error.Message);
    }

    [Fact]
    public async Task A_host_that_never_answers_fails_at_the_connect_timeout_naming_it()
    {
        // Accepts the TCP connection (the kernel does, from the backlog) and never says a word, like a hung sshd.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var settings = StagingFixtures.SandboxSettings(connectTimeout: TimeSpan.FromSeconds(2)) with
        {
            Hosts = [new StagingHost("hung", "root", "127.0.0.1", port, "127.0.0.1", 3009)],
        };
        await using var session = new SshSession(settings);
        var error = await Assert.ThrowsAsync<PipelineException>(() =>
            session.For(settings.Hosts[0]).RunAsync(RemoteCommand.Of("echo", "true"), Token));
        Assert.Equal($"Staging host hung (root@127.0.0.1:{port}) did not answer within 2 s", error.Message);
        Assert.Contains("--ssh-timeout", error.Fix);
        Assert.Contains("timed out", error.Detail);
    }

    [Fact]
    public async Task A_step_that_overruns_its_timeout_is_stopped_and_named()
    {
        var settings = StagingFixtures.SandboxSettings();
        await using var session = new SshSession(settings);
        var error = await Assert.ThrowsAsync<PipelineException>(() =>
            session.For(settings.Hosts[0]).RunAsync(RemoteCommand.Of("slow step", "sleep", "30").WithTimeout(TimeSpan.FromSeconds(2)), Token));
        Assert.Contains("slow step on staging-1 did not finish within 2 s", error.Message);
    }

    [Fact]
    public async Task Of_two_deploys_taking_the_lock_at_once_exactly_one_gets_it_and_the_other_names_the_holder()
    {
        var settings = StagingFixtures.SandboxSettings();
        var name = "test-lock-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = new SshSession(settings);
        await using var second = new SshSession(settings);
        var a = new DeployLock(first.For(settings.Hosts[0]), name);
        var b = new DeployLock(second.For(settings.Hosts[0]), name);
        var holderA = LockHolder.ForThisRun("DeployStaging", "v1", "run-a", DateTimeOffset.UtcNow);
        var holderB = LockHolder.ForThisRun("DeployStaging", "v2", "run-b", DateTimeOffset.UtcNow);
        var results = await Task.WhenAll(
            Capture(() => a.AcquireAsync(holderA, TimeSpan.Zero, Token)),
            Capture(() => b.AcquireAsync(holderB, TimeSpan.Zero, Token)));
        try
        {
            Assert.Single(results, r => r is null);
            var refused = Assert.Single(results, r => r is not null)!;
            Assert.Matches(@"^Staging is locked by .* \(DeployStaging of v[12], run run-[ab], since ", refused.Message);
            Assert.Contains("StagingUnlock", refused.Fix);
        }
        finally
        {
            await a.ReleaseAsync("run-a");
            await b.ReleaseAsync("run-b");
        }
        var show = await first.For(settings.Hosts[0]).RunCheckedAsync(DeployLock.ShowCommand(name), Token);
        Assert.Equal("free", show.Output);
    }

    [Fact]
    public async Task A_waiting_deploy_gets_the_lock_once_the_holder_releases_it()
    {
        var settings = StagingFixtures.SandboxSettings();
        var name = "test-lock-" + Guid.NewGuid().ToString("N")[..8];
        await using var session = new SshSession(settings);
        var holder = new DeployLock(session.For(settings.Hosts[0]), name);
        await holder.AcquireAsync(LockHolder.ForThisRun("DeployStaging", "v1", "run-a", DateTimeOffset.UtcNow), TimeSpan.Zero, Token);
        var waiter = new DeployLock(session.For(settings.Hosts[0]), name);
        var waiting = waiter.AcquireAsync(LockHolder.ForThisRun("DeployStaging", "v2", "run-b", DateTimeOffset.UtcNow), TimeSpan.FromSeconds(20), Token);
        await Task.Delay(1500, Token);
        Assert.False(waiting.IsCompleted);
        await holder.ReleaseAsync("run-a");
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), Token);
        await waiter.ReleaseAsync("run-b");
    }

    private static async Task<PipelineException?> Capture(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (PipelineException e)
        {
            return e;
        }
    }
}
