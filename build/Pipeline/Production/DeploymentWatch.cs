using System.Diagnostics;
using Pipeline.Aws.Ecs;
using Pipeline.Cli;

namespace Pipeline.Production;

/// <summary>
/// Follows one ECS deployment by its id until its rolloutState settles, printing the service's events as they
/// come. The verdict is that deployment's own state, never the service's as a whole: after a circuit-breaker
/// rollback the service is steady again, and a pipeline that read only that would report a false success.
/// </summary>
public sealed class DeploymentWatch(EcsClient ecs, string cluster, string service, DateTimeOffset since)
{
    // Every second while a deployment is young (a small service settles in seconds, and a crash loop shows early),
    // then every three: DescribeServices stays far below ECS's rate limits either way.
    private static readonly TimeSpan EarlyPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan EarlyPhase = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);
    private readonly HashSet<string> _printedEvents = [];

    public IReadOnlyList<ServiceEvent> Events { get; private set; } = [];

    public async Task<DeploymentVerdict> WaitAsync(string deploymentId, TimeSpan budget, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var current = await CurrentAsync(cancellation);
            var deployment = current.Deployments?.FirstOrDefault(d => d.Id == deploymentId);
            if (deployment is null) return new DeploymentVerdict(Outcome.Replaced, null, current, clock.Elapsed, budget);
            Log.Progress(deploymentId,
                $"{deploymentId} {deployment.RolloutState}: {deployment.RunningCount}/{deployment.DesiredCount} running, " +
                $"{deployment.PendingCount} pending, {deployment.FailedTasks} failed ({clock.Elapsed.TotalSeconds:0} s)");
            switch (deployment.RolloutState)
            {
                case "COMPLETED":
                    return new DeploymentVerdict(Outcome.Completed, deployment, current, clock.Elapsed, budget);
                case "FAILED":
                    return new DeploymentVerdict(Outcome.Failed, deployment, current, clock.Elapsed, budget);
            }
            if (clock.Elapsed > budget) return new DeploymentVerdict(Outcome.TimedOut, deployment, current, clock.Elapsed, budget);
            await Task.Delay(clock.Elapsed < EarlyPhase ? EarlyPollInterval : PollInterval, cancellation);
        }
    }

    public async Task<EcsService> CurrentAsync(CancellationToken cancellation)
    {
        var current = await ecs.FindServiceAsync(cluster, service, cancellation)
            ?? throw new PipelineException($"ECS service {service} disappeared from cluster {cluster} during the deploy", "Look at the service in the ECS console.");
        PrintNewEvents(current);
        return current;
    }

    // ECS lists events newest first and keeps only the last hundred; print the new ones oldest first.
    private void PrintNewEvents(EcsService current)
    {
        var fresh = (current.Events ?? [])
            .Where(e => e.Id is not null && e.CreatedAt >= since.ToUnixTimeSeconds() - 1 && _printedEvents.Add(e.Id))
            .OrderBy(e => e.CreatedAt)
            .ToList();
        foreach (var e in fresh) Log.Note($"event: {e.Message}");
        Events = [.. Events, .. fresh];
    }

    public enum Outcome
    {
        Completed,
        Failed,
        TimedOut,
        Replaced,
    }
}

/// <summary>How a deployment ended, with the service as it was seen last.</summary>
public sealed record DeploymentVerdict(
    DeploymentWatch.Outcome Outcome, EcsDeployment? Deployment, EcsService Service, TimeSpan Waited, TimeSpan Budget)
{
    public string Describe() => Outcome switch
    {
        DeploymentWatch.Outcome.Completed => $"COMPLETED in {Waited.TotalSeconds:0} s",
        DeploymentWatch.Outcome.Failed => $"FAILED after {Waited.TotalSeconds:0} s: {Deployment?.RolloutStateReason ?? "no reason given"}",
        DeploymentWatch.Outcome.TimedOut => $"still {Deployment?.RolloutState} after the {Budget.TotalSeconds:0} s budget",
        _ => "replaced by another deployment before it finished",
    };
}
