using Pipeline.Cli;

namespace Pipeline.Deps;

/// <summary>DepsLogs: follows the dependency services' logs, each line prefixed with its service, until Ctrl-C.</summary>
public sealed class DepsLogsStage(StageContext context) : IStage
{
    public IEnumerable<string> Describe()
    {
        var plan = DepsPlan.For(context.Settings, context.RunId, context.DepsNaming);
        yield return $"follow the logs of {plan.ContainerNames} until Ctrl-C";
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var plan = DepsPlan.For(context.Settings, context.RunId, context.DepsNaming);
        var width = plan.Services.Select(s => s.Alias.Length).DefaultIfEmpty(0).Max();
        var present = new List<DependencyService>();
        foreach (var service in plan.Services)
        {
            if (await context.Docker.Containers.InspectAsync(service.ContainerName, cancellation) is null)
                Log.Note($"{service.ContainerName} is absent (start it with ./build.sh DepsUp)");
            else
                present.Add(service);
        }
        if (present.Count == 0)
            throw new PipelineException("No dependency containers to follow", "Start them with ./build.sh DepsUp.");

        Log.Step("following the dependency logs (Ctrl-C to stop)");
        try
        {
            await Task.WhenAll(present.Select(service => context.Docker.Containers.FollowLogsAsync(
                service.ContainerName,
                line => Log.Info($"{service.Alias.PadRight(width)} | {line.Text}"),
                cancellation)));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Ctrl-C is how a developer stops following: the target did what was asked.
        }
    }
}
