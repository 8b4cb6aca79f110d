using System.Text.RegularExpressions;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>
/// --staging-jump with two sshds of the tests' own: the inner one listens in a network namespace of its own, which
/// nothing on this machine reaches but the jump sshd's sessions (started inside it, in inetd mode). So the direct
/// path is really closed, and the jump sshd's log shows the forwarding the way in took.
/// </summary>
public sealed class JumpHostTests : IAsyncLifetime
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TestSshd _inner = null!;
    private TestSshd _jump = null!;

    public async ValueTask InitializeAsync()
    {
        _inner = await TestSshd.StartAsync(isolated: true);
        _jump = await TestSshd.StartAsync(jumpInto: _inner);
    }

    public async ValueTask DisposeAsync()
    {
        await _jump.DisposeAsync();
        await _inner.DisposeAsync();
    }

    // The inner host's known_hosts name is its own address and port, as seen from the jump host: 127.0.0.1:22.
    private string InnerLine => _inner.KnownHostsLine(name: "127.0.0.1");

    private string JumpLine => _jump.KnownHostsLine(name: $"[127.0.0.1]:{_jump.Port}");

    private async Task<StagingSettings> SettingsAsync(string knownHosts, bool viaJump = true, TimeSpan? connectTimeout = null) =>
        await StagingFixtures.OwnSettingsAsync(_inner, knownHosts, connectTimeout) with
        {
            Hosts = [new StagingHost("inner", "root", "127.0.0.1", 22, "127.0.0.1", 3999)],
            Jump = viaJump ? new SshEndpoint("root", "127.0.0.1", _jump.Port) : null,
        };

    [Fact]
    public async Task Commands_reach_a_host_only_the_jump_host_reaches_and_the_jump_log_shows_the_forwarding()
    {
        var settings = await SettingsAsync($"{InnerLine}\n{JumpLine}");
        await using (var connections = new StagingConnections(settings))
        {
            var host = connections.For(settings.Hosts[0]);
            Assert.Equal($"root@127.0.0.1:22 via root@127.0.0.1:{_jump.Port}", host.Target);
            for (var i = 0; i < 3; i++)
            {
                // The namespace has no interface but its loopback: what the command sees proves where it ran.
                var result = await host.RunCheckedAsync(RemoteCommand.Script("where", "ip -o link show | cut -d: -f2 | tr -d ' '; echo $1", i.ToString()), Token);
                Assert.Equal($"lo\n{i}", result.Output);
            }
        }
        var log = _jump.Log();
        Assert.Matches(@"server_request_direct_tcpip: originator 127\.0\.0\.1 port \d+, target 127\.0\.0\.1 port 22", log);
        // One jump connection and one tunnel for the run, however many commands.
        Assert.Single(Regex.Matches(log, "Accepted publickey for root"));
        Assert.Single(Regex.Matches(_inner.Log(), "Accepted publickey for root"));
    }

    [Fact]
    public async Task Without_the_jump_host_the_same_host_is_unreachable()
    {
        // The machine's own 127.0.0.1:22 may have an sshd of its own; the isolated one is only reachable inside.
        if (await TestSshd.AcceptsAsync(22))
        {
            Assert.DoesNotContain("Connection from", _inner.Log());
            return;
        }
        var settings = await SettingsAsync(InnerLine, viaJump: false);
        await using var connections = new StagingConnections(settings);
        var error = await Assert.ThrowsAsync<PipelineException>(() => connections.For(settings.Hosts[0]).RunAsync(RemoteCommand.Of("echo", "true"), Token));
        Assert.Equal("Staging host inner (root@127.0.0.1:22) is unreachable: the connection was refused", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_jump_hosts_key_and_the_inner_hosts_key_end_to_end_are_each_checked_against_the_same_known_hosts(bool pinJump)
    {
        var settings = await SettingsAsync(pinJump ? JumpLine : InnerLine);
        await using var connections = new StagingConnections(settings);
        var error = await Assert.ThrowsAsync<PipelineException>(() => connections.For(settings.Hosts[0]).RunAsync(RemoteCommand.Of("echo", "true"), Token));
        var refused = pinJump ? $"Staging host inner (root@127.0.0.1:22 via root@127.0.0.1:{_jump.Port})" : $"The jump host root@127.0.0.1:{_jump.Port} (--staging-jump / STAGING_JUMP)";
        Assert.StartsWith(refused + " refused: its host key SHA256:", error.Message);
        Assert.DoesNotContain("Accepted publickey", (pinJump ? _inner : _jump).Log());
    }

    [Fact]
    public async Task A_host_the_jump_host_cannot_reach_is_named_with_the_jump_host()
    {
        var settings = await SettingsAsync($"{InnerLine}\n{JumpLine}", connectTimeout: TimeSpan.FromSeconds(5)) with
        {
            Hosts = [new StagingHost("nowhere", "root", "127.0.0.1", 2, "127.0.0.1", 3999)],
        };
        await using var connections = new StagingConnections(settings);
        var error = await Assert.ThrowsAsync<PipelineException>(() => connections.For(settings.Hosts[0]).RunAsync(RemoteCommand.Of("echo", "true"), Token));
        Assert.Equal($"Staging host nowhere (root@127.0.0.1:2 via root@127.0.0.1:{_jump.Port}) could not be reached through the jump host root@127.0.0.1:{_jump.Port}", error.Message);
        Assert.Contains("connect_to 127.0.0.1 port 2: failed", _jump.Log());
    }
}
