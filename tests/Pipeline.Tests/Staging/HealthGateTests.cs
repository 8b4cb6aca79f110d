using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>
/// The health gate on the sandbox's staging-1, with containers whose Docker interval is far longer than the test:
/// Docker's status stays "starting", so only the gate's own run of the image's health check can decide early.
/// </summary>
public sealed class HealthGateTests : IAsyncLifetime
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly StagingSettings _settings = StagingFixtures.SandboxSettings();
    private readonly string _name = "gate-" + Guid.NewGuid().ToString("N")[..8];
    private StagingConnections? _session;

    private IRemoteHost Host => _session!.For(_settings.Hosts[0]);

    public ValueTask InitializeAsync()
    {
        _session = new StagingConnections(_settings);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.RunAsync(RemoteCommand.Of("remove", "docker", "rm", "--force", _name), default);
        await _session!.DisposeAsync();
    }

    private async Task StartAsync(string healthCommand) =>
        await Host.RunCheckedAsync(RemoteCommand.Of("start", "docker", "run", "--detach", "--name", _name,
            "--health-cmd", healthCommand, "--health-interval", "5m", "127.0.0.1:5000/sandbox/redis:7.0"), Token);

    [Fact]
    public async Task A_passing_health_check_opens_the_gate_before_Dockers_first_interval()
    {
        await StartAsync("redis-cli ping | grep -q PONG");

        var verdict = await new HealthGate(Host, new AppCommands(_settings), TimeSpan.FromSeconds(60)).WaitAsync(_name, Token);

        Assert.True(verdict.Healthy, verdict.LastStatus);
        Assert.Equal("running, its health check passed", verdict.LastStatus);
        var docker = await Host.RunCheckedAsync(RemoteCommand.Of("status", "docker", "inspect", "--format", "{{.State.Health.Status}}", _name), Token);
        Assert.Equal("starting", docker.Output.Trim());
    }

    [Fact]
    public async Task A_failing_health_check_keeps_the_gate_shut_until_the_budget_is_spent()
    {
        await StartAsync("exit 1");

        var verdict = await new HealthGate(Host, new AppCommands(_settings), TimeSpan.FromSeconds(3)).WaitAsync(_name, Token);

        Assert.False(verdict.Healthy);
        Assert.Equal("still running, health starting after 3 s", verdict.LastStatus);
    }
}
