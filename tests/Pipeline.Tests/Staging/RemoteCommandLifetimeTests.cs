using System.Text.RegularExpressions;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>
/// How long a connection and a remote command live, against a test's own sshd (as root, like the sandbox): one
/// connection for many commands, a dropped one made again, and a stopped command gone from the host, not running on.
/// </summary>
public sealed class RemoteCommandLifetimeTests : IAsyncLifetime
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TestSshd _sshd = null!;
    private StagingConnections _connections = null!;
    private IRemoteHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _sshd = await TestSshd.StartAsync();
        var settings = await StagingFixtures.OwnSettingsAsync(_sshd);
        _connections = new StagingConnections(settings);
        _host = _connections.For(settings.Hosts[0]);
    }

    public async ValueTask DisposeAsync()
    {
        await _connections.DisposeAsync();
        await _sshd.DisposeAsync();
    }

    private int Logins => Regex.Matches(_sshd.Log(), "Accepted publickey for root").Count;

    /// <summary>A command whose shell stays (a command follows the sleep) and carries a marker to find it by.</summary>
    private static (RemoteCommand Command, string Marker) Sleeper()
    {
        var marker = "sleeper-" + Guid.NewGuid().ToString("N");
        return (RemoteCommand.Script("sleep on the host", "sleep 30; echo woke", marker), marker);
    }

    /// <summary>The process group the sleeper runs in, once it runs: its login shell's, which sshd made for the session.</summary>
    private static async Task<int> GroupOfAsync(string marker)
    {
        var group = 0;
        Assert.True(await ProcessTable.WaitAsync(all =>
        {
            var shell = all.FirstOrDefault(p => p.CommandLine.Contains(marker, StringComparison.Ordinal));
            group = shell?.Group ?? 0;
            return shell is not null && all.Any(p => p.ParentPid == shell.Pid && p.CommandLine == "sleep 30");
        }, TimeSpan.FromSeconds(10)), "the sleeper never started");
        return group;
    }

    private static async Task AssertGroupGoneAsync(int group) =>
        Assert.True(await ProcessTable.WaitAsync(all => all.All(p => p.Group != group), TimeSpan.FromSeconds(10)),
            "left running on the host: " + string.Join("; ", ProcessTable.Running().Where(p => p.Group == group).Select(p => p.CommandLine)));

    [Fact]
    public async Task A_cancelled_command_is_stopped_on_the_host_and_its_channel_closed()
    {
        var (command, marker) = Sleeper();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var running = _host.RunAsync(command, cancel.Token);
        var group = await GroupOfAsync(marker);
        await Task.Delay(TimeSpan.FromSeconds(1), Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        await AssertGroupGoneAsync(group);
        // The connection is still good for the run's next command.
        Assert.Equal("after", (await _host.RunCheckedAsync(RemoteCommand.Of("echo", "echo", "after"), Token)).Output);
        Assert.Equal(1, Logins);
    }

    [Fact]
    public async Task A_command_over_its_timeout_is_stopped_on_the_host_and_named()
    {
        var (command, marker) = Sleeper();
        var running = _host.RunAsync(command.WithTimeout(TimeSpan.FromSeconds(2)), Token);
        var group = await GroupOfAsync(marker);

        var error = await Assert.ThrowsAsync<PipelineException>(() => running);
        Assert.Equal("sleep on the host on own-1 did not finish within 2 s", error.Message);
        Assert.Contains("stopped on the host", error.Fix);
        Assert.Contains(marker, error.Detail);
        await AssertGroupGoneAsync(group);
    }

    [Fact]
    public async Task Ten_commands_run_over_one_connection_each_with_its_output_stdin_and_exit_code()
    {
        for (var i = 0; i < 10; i++)
        {
            var result = await _host.RunAsync(RemoteCommand.Script("count", "cat; echo \" $1\"; echo to-stderr >&2; exit $(($1 % 3))", i.ToString())
                .WithStdin(new Pipeline.Config.Secret("in-" + i + "-" + Guid.NewGuid().ToString("N"))), Token);
            Assert.StartsWith($"in-{i}-", result.Output);
            Assert.EndsWith($" {i}", result.Output);
            Assert.Equal("to-stderr", result.Error);
            Assert.Equal(i % 3, result.ExitCode);
        }
        Assert.Equal(1, Logins);
    }

    [Fact]
    public async Task A_command_killed_by_a_signal_reports_128_plus_its_number()
    {
        var result = await _host.RunAsync(RemoteCommand.Script("die", "kill -s KILL $$"), Token);
        Assert.Equal(137, result.ExitCode);
    }

    [Fact]
    public async Task A_connection_that_dropped_between_steps_is_opened_again_and_one_lost_mid_command_is_said_so()
    {
        await _host.RunCheckedAsync(RemoteCommand.Of("first", "true"), Token);
        KillSessions();
        await Task.Delay(500, Token);
        Assert.Equal("again", (await _host.RunCheckedAsync(RemoteCommand.Of("echo", "echo", "again"), Token)).Output);
        Assert.Equal(2, Logins);

        var running = _host.RunAsync(RemoteCommand.Of("long step", "sleep", "20"), Token);
        await Task.Delay(1000, Token);
        KillSessions();
        var error = await Assert.ThrowsAsync<PipelineException>(() => running);
        Assert.Equal("The connection to own-1 was lost during: long step", error.Message);
        Assert.Contains("may or may not have finished", error.Fix);
    }

    // The per-connection sshd processes are the listener's children; killing them drops the connection.
    private void KillSessions()
    {
        foreach (var child in ProcessTable.Running().Where(p => p.ParentPid == _sshd.Pid))
            System.Diagnostics.Process.GetProcessById(child.Pid).Kill(entireProcessTree: true);
    }
}
