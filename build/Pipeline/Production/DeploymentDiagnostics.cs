using Pipeline.Aws.Ecs;
using Pipeline.Cli;

namespace Pipeline.Production;

/// <summary>What a failed deploy prints: why its tasks stopped, with reasons and exit codes, besides the events.</summary>
public static class DeploymentDiagnostics
{
    public static async Task PrintAsync(
        EcsClient ecs, string cluster, string service, string taskDefinitionArn, IReadOnlyList<ServiceEvent> events, CancellationToken cancellation)
    {
        Log.Step($"Diagnostics for {TaskDefinitionArn.Short(taskDefinitionArn)}");
        Log.Note($"service events since the deploy began ({events.Count}):");
        foreach (var e in events) Log.Note($"  {DateTimeOffset.FromUnixTimeMilliseconds((long)((e.CreatedAt ?? 0) * 1000)):HH:mm:ss} {e.Message}");

        IReadOnlyList<EcsTask> stopped;
        try
        {
            stopped = await ecs.StoppedTasksAsync(cluster, service, cancellation);
        }
        catch (PipelineException e)
        {
            Log.Note($"stopped tasks could not be listed: {e.Message}");
            return;
        }
        var ours = stopped.Where(t => t.TaskDefinitionArn == taskDefinitionArn).ToList();
        Log.Note($"stopped tasks of this revision ({ours.Count}):");
        foreach (var task in ours)
        {
            Log.Note($"  task {task.TaskArn?[(task.TaskArn.LastIndexOf('/') + 1)..]}: {task.StopCode} - {task.StoppedReason}");
            foreach (var container in task.Containers ?? [])
                Log.Note($"    container {container.Name}: exit code {container.ExitCode?.ToString() ?? "none"}" +
                         (string.IsNullOrEmpty(container.Reason) ? "" : $", {container.Reason}") +
                         (container.HealthStatus is null or "UNKNOWN" ? "" : $", health {container.HealthStatus}"));
        }
    }
}
