using System.Buffers.Binary;
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
        await using var session = new StagingConnections(settings);
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
        await using var session = new StagingConnections(settings);
        var secret = new Pipeline.Config.Secret("payload-" + Guid.NewGuid().ToString("N"));
        var command = RemoteCommand.Script("read stdin", "cat; echo; echo \"$DOCKER_HOST\"").WithStdin(secret);
        var result = await session.For(settings.Hosts[0]).RunCheckedAsync(command, Token);
        var lines = result.Output.Split('\n');
        Assert.Equal(secret.Reveal(), lines[0]);
        Assert.EndsWith("/staging-1/docker.sock", lines[1]);
    }

    [Fact]
    public async Task A_key_and_known_hosts_given_as_text_reach_both_hosts()
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
        await using var connections = new StagingConnections(settings);
        foreach (var host in settings.Hosts)
            Assert.Equal(host.Name, (await connections.For(host).RunCheckedAsync(RemoteCommand.Of("echo", "echo", host.Name), Token)).Output);
    }

    [Fact]
    public async Task Known_hosts_lines_with_another_key_for_the_host_are_refused_naming_the_setting()
    {
        var otherKey = new byte[4 + 11 + 4 + 32];
        BinaryPrimitives.WriteUInt32BigEndian(otherKey, 11);
        "ssh-ed25519"u8.CopyTo(otherKey.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(otherKey.AsSpan(15), 32);
        RandomNumberGenerator.Fill(otherKey.AsSpan(19));
        // staging-1 directly: it is the sandbox's jump host, which a jump setting would report as such.
        var settings = StagingFixtures.SandboxSettings() with
        {
            KnownHosts = null,
            KnownHostsLines = $"[127.0.0.1]:2222 ssh-ed25519 {Convert.ToBase64String(otherKey)}\n",
            Jump = null,
        };
        await using var connections = new StagingConnections(settings);
        var error = await Assert.ThrowsAsync<PipelineException>(() =>
            connections.For(settings.Hosts[0]).RunAsync(RemoteCommand.Of("echo", "true"), Token));
        Assert.Matches(@"^Staging host staging-1 \(root@127\.0\.0\.1:2222\) refused: its host key SHA256:[A-Za-z0-9+/]{43} is not the ssh-ed25519 key the known_hosts lines of --staging-known-hosts / STAGING_KNOWN_HOSTS pins for \[127\.0\.0\.1\]:2222 \(line 1\)$", error.Message);
    }

    [Fact]
    public async Task Of_two_deploys_taking_the_lock_at_once_exactly_one_gets_it_and_the_other_names_the_holder()
    {
        var settings = StagingFixtures.SandboxSettings();
        var name = "test-lock-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = new StagingConnections(settings);
        await using var second = new StagingConnections(settings);
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
        await using var session = new StagingConnections(settings);
        var host = session.For(settings.Hosts[0]);
        var holder = new DeployLock(host, name);
        await holder.AcquireAsync(LockHolder.ForThisRun("DeployStaging", "v1", "run-a", DateTimeOffset.UtcNow), TimeSpan.Zero, Token);
        var watched = new RefusalWatch(host);
        var waiter = new DeployLock(watched, name);
        var waiting = waiter.AcquireAsync(LockHolder.ForThisRun("DeployStaging", "v2", "run-b", DateTimeOffset.UtcNow), TimeSpan.FromMinutes(2), Token);
        try
        {
            // A state, not a pause: the waiter has asked and been told the lock is held, by run-a.
            await watched.Refused.Task.WaitAsync(TimeSpan.FromMinutes(1), Token);
            Assert.False(waiting.IsCompleted);
            Assert.Equal("run-a", DeployLock.Parse((await host.RunCheckedAsync(DeployLock.ShowCommand(name), Token)).Output).Holder!.RunId);

            await holder.ReleaseAsync("run-a");
            await waiting.WaitAsync(TimeSpan.FromMinutes(1), Token);

            // The waiter now holds it: the lock on the host names run-b, and run-a can no longer release it.
            var (state, now) = DeployLock.Parse((await host.RunCheckedAsync(DeployLock.ShowCommand(name), Token)).Output);
            Assert.Equal("held", state);
            Assert.Equal("run-b", now!.RunId);
            Assert.Equal("v2", now.Version);
            await holder.ReleaseAsync("run-a");
            Assert.Equal("run-b", DeployLock.Parse((await host.RunCheckedAsync(DeployLock.ShowCommand(name), Token)).Output).Holder!.RunId);
        }
        finally
        {
            await holder.ReleaseAsync("run-a");
            await waiter.ReleaseAsync("run-b");
        }
        Assert.Equal("free", (await host.RunCheckedAsync(DeployLock.ShowCommand(name), Token)).Output);
    }

    /// <summary>Passes commands through, and says when the lock's acquire has come back "held".</summary>
    private sealed class RefusalWatch(IRemoteHost inner) : IRemoteHost
    {
        public TaskCompletionSource Refused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public StagingHost Host => inner.Host;

        public string Target => inner.Target;

        public async Task<RemoteResult> RunAsync(RemoteCommand command, CancellationToken cancellation)
        {
            var result = await inner.RunAsync(command, cancellation);
            if (command.Purpose == "take the deploy lock" && DeployLock.Parse(result.Output).State == "held") Refused.TrySetResult();
            return result;
        }
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
