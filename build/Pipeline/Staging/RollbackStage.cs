using Pipeline.Cli;

namespace Pipeline.Staging;

/// <summary>Rollback: every staging host back to the version it kept from before, health-gated, one at a time.</summary>
public sealed class RollbackStage(StageContext context) : IStage
{
    public IEnumerable<string> Describe() => new StagingPlan(StagingSettings.From(context.Settings), context.RunId).DescribeRollback();

    public async Task RunAsync(CancellationToken cancellation)
    {
        var settings = StagingSettings.From(context.Settings);
        Log.Step($"Rolling back {string.Join(", ", settings.Hosts.Select(h => h.Name))} to their previous versions, one host at a time");
        await new StagingRollout(settings with { Version = "previous" }, "Rollback", context.RunId)
            .RunAsync((host, token) => host.RollbackAsync(token), cancellation);
    }
}
