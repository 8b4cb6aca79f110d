using Pipeline.Cli;
using Pipeline.Docker;

namespace Pipeline.Staging;

/// <summary>
/// One host's deploy or rollback: a candidate container started next to the running one, health-gated, then
/// switched to. A candidate that fails the gate is removed (or, for a rollback, stopped again) and the old
/// container never stopped serving.
/// </summary>
public sealed class HostDeployment(IRemoteHost host, StagingSettings settings, HostHooks hooks, string runId)
{
    private readonly AppCommands _commands = new(settings);

    private string Name => host.Host.Name;

    /// <summary>The version the host served when this deployment read it (for the report of a failed host).</summary>
    public string? ServedBefore { get; private set; }

    public string HostName => Name;

    /// <summary>
    /// Fails, naming the holder, when another container publishes this host's app port: each app on a host needs
    /// a port of its own, and finding out when the proxy starts would waste the pull and the health gate.
    /// </summary>
    public async Task CheckAppPortAsync(CancellationToken cancellation)
    {
        var answer = await host.RunCheckedAsync(_commands.AppPortHolders(host.Host), cancellation);
        var holders = _commands.OtherPortHolders(answer.Output);
        if (holders.Count == 0) return;
        throw new PipelineException(
            $"{Name}'s app port {host.Host.AppPort} is already published by " +
            string.Join(", ", holders.Select(h => h.Ports.Length > 0 ? $"{h.Name} ({h.Ports})" : h.Name)),
            $"Each app on a host needs its own app port. Give {settings.Container} another one in STAGING_HOSTS " +
            $"(name=user@address:ssh-port/app-port), or stop what holds it on {Name} (docker stop {holders[0].Name}).");
    }

    /// <summary>Logs in and pulls the image (and the proxy's, when missing); serves nothing new yet.</summary>
    public async Task PullAsync(RegistryCredentials? login, CancellationToken cancellation)
    {
        Log.Step($"{Name}: pulling {settings.Image}");
        await host.RunCheckedAsync(_commands.LoginAndPull(login), cancellation);
        Log.Note($"{Name}: pulled");
    }

    /// <summary>Starts the pulled image next to the running container, gates it, switches to it.</summary>
    public async Task<HostReport> DeployAsync(CancellationToken cancellation)
    {
        var state = await ReadStateAsync(cancellation);
        var from = ServedBefore = state.Active?.Version;
        if (state.Active is { IsRunning: true } active && active.Version == settings.Version && state.ProxyRunning)
        {
            Log.Note($"{Name}: already runs {settings.Version}, nothing to do");
            return new HostReport(Name, from, settings.Version, null, "unchanged (already running)");
        }

        var candidate = _commands.ContainerFor(settings.Version);
        if (state.Containers.Any(c => c.Name == candidate))
            await host.RunCheckedAsync(_commands.RemoveContainer(candidate), cancellation);

        Log.Step($"{Name}: starting {candidate} next to {state.Active?.Name ?? "nothing"}");
        HealthVerdict verdict;
        try
        {
            // The start itself may have created the container before a timeout or a dropped connection.
            await host.RunCheckedAsync(_commands.Run(host.Host, settings.Version, runId), cancellation);
            verdict = await GateAsync(candidate, cancellation);
        }
        catch (Exception e) when (e is PipelineException or OperationCanceledException)
        {
            // A candidate that was never switched to never stays behind, running with --restart unless-stopped.
            await RemoveQuietlyAsync(candidate);
            throw;
        }
        if (!verdict.Healthy)
        {
            await ShowLogsAsync(candidate);
            await RemoveQuietlyAsync(candidate);
            throw Unhealthy(candidate, verdict, from, "removed");
        }

        await SwitchOrUndoAsync(candidate, state, undo: () => RemoveQuietlyAsync(candidate), cancellation);
        return new HostReport(Name, from, settings.Version, verdict.Waited, "deployed");
    }

    public async Task<HostReport> RollbackAsync(CancellationToken cancellation)
    {
        var state = await ReadStateAsync(cancellation);
        ServedBefore = state.Active?.Version;
        var previous = state.Previous ?? throw new PipelineException(
            $"{Name} has no previous version to roll back to",
            "Rollback needs a version kept by an earlier DeployStaging; deploy the version you want instead.",
            "containers: " + (state.Containers.Count == 0 ? "none" : string.Join(", ", state.Containers.Select(c => $"{c.Name} ({c.State})"))));
        if (!state.ProxyRunning || state.Active is null)
            throw new PipelineException(
                $"{Name} has no active container behind its proxy",
                "Deploy a version with DeployStaging; Rollback only switches between kept versions.");

        Log.Step($"{Name}: starting {previous.Name} again ({previous.Version}) next to {state.Active.Name}");
        HealthVerdict verdict;
        try
        {
            await host.RunCheckedAsync(_commands.Start(previous.Name), cancellation);
            verdict = await GateAsync(previous.Name, cancellation);
        }
        catch (Exception e) when (e is PipelineException or OperationCanceledException)
        {
            await StopQuietlyAsync(previous.Name);
            throw;
        }
        if (!verdict.Healthy)
        {
            await ShowLogsAsync(previous.Name);
            await StopQuietlyAsync(previous.Name);
            throw Unhealthy(previous.Name, verdict, state.Active.Version, "stopped again");
        }

        await SwitchOrUndoAsync(previous.Name, state, undo: () => StopQuietlyAsync(previous.Name), cancellation);
        return new HostReport(Name, state.Active.Version, previous.Version, verdict.Waited, "rolled back");
    }

    public async Task<HostState> ReadStateAsync(CancellationToken cancellation)
    {
        var result = await host.RunCheckedAsync(_commands.State(), cancellation);
        return HostState.Parse(result.Output);
    }

    private async Task<HealthVerdict> GateAsync(string candidate, CancellationToken cancellation)
    {
        Log.Note($"{Name}: waiting up to {settings.HealthTimeout.TotalSeconds:0} s for {candidate} to report healthy");
        var verdict = await new HealthGate(host, _commands, settings.HealthTimeout).WaitAsync(candidate, cancellation);
        if (verdict.Healthy) Log.Note($"{Name}: {candidate} healthy after {verdict.Waited.TotalSeconds:0.0} s");
        return verdict;
    }

    private async Task SwitchOrUndoAsync(string candidate, HostState state, Func<Task> undo, CancellationToken cancellation)
    {
        try
        {
            await new HostSwitch(host, _commands, hooks).SwitchAsync(candidate, state, cancellation);
        }
        catch (Exception e) when (e is PipelineException or OperationCanceledException)
        {
            // Only while the old container still serves: once the proxy points at the candidate it must stay.
            var now = await TryReadStateAsync();
            if (now is not null && now.ActiveName != candidate) await undo();
            throw;
        }
    }

    private async Task<HostState?> TryReadStateAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await ReadStateAsync(timeout.Token);
        }
        catch (Exception e) when (e is PipelineException or OperationCanceledException or FormatException)
        {
            return null;
        }
    }

    // Only information: a failure to fetch the logs must never keep the candidate from being removed.
    private async Task ShowLogsAsync(string container)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var logs = await host.RunAsync(_commands.Logs(container), timeout.Token);
            Log.Info($"--- logs of {container} on {Name}:");
            foreach (var line in logs.Combined.Split('\n')) Log.Info("  | " + line.TrimEnd('\r'));
        }
        catch (Exception e) when (e is PipelineException or OperationCanceledException)
        {
            Log.Warn($"{Name}: the logs of {container} could not be read: {e.Message}");
        }
    }

    // Cleanup runs on the way out of a failure or Ctrl-C, so it has its own deadline, not the run's token.
    private async Task RemoveQuietlyAsync(string container) => await QuietlyAsync(_commands.RemoveContainer(container));

    private async Task StopQuietlyAsync(string container) => await QuietlyAsync(_commands.Stop(container));

    private async Task QuietlyAsync(RemoteCommand command)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var result = await host.RunAsync(command, timeout.Token);
            if (result.Succeeded) Log.Note($"{Name}: {command.Purpose}: done");
            else Log.Warn($"{Name}: {command.Purpose}: {result.Combined}");
        }
        catch (Exception e) when (e is PipelineException or OperationCanceledException)
        {
            Log.Warn($"{Name}: {command.Purpose} failed: {e.Message}");
        }
    }

    private PipelineException Unhealthy(string candidate, HealthVerdict verdict, string? serving, string done) =>
        new($"{candidate} on {Name} did not become healthy ({verdict.LastStatus}); it was {done}",
            $"{Name} still serves {serving ?? "what it served before"}; the hosts after it were not touched. Fix the app (its logs are above) and deploy again.");
}
