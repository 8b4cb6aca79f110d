using Pipeline.Aws.Ecs;
using Pipeline.Cli;

namespace Pipeline.Production;

/// <summary>
/// After a good deploy, deregisters a family's revisions beyond the newest N. The new revision and the one it
/// replaced (the last known good, the rollback target) are never touched, whatever N is.
/// </summary>
public static class TaskDefinitionPruner
{
    public static IReadOnlyList<string> Select(IReadOnlyList<string> newestFirst, int keep, IReadOnlyCollection<string> protectedArns) =>
        newestFirst.Skip(keep).Where(arn => !protectedArns.Contains(arn)).ToList();

    public static async Task PruneAsync(EcsClient ecs, string family, int keep, IReadOnlyCollection<string> protectedArns, CancellationToken cancellation)
    {
        var doomed = Select(await ecs.ActiveRevisionsAsync(family, cancellation), keep, protectedArns);
        foreach (var arn in doomed)
        {
            await ecs.DeregisterTaskDefinitionAsync(arn, cancellation);
            Log.Note($"deregistered {TaskDefinitionArn.Short(arn)} (beyond the newest {keep})");
        }
        if (doomed.Count == 0) Log.Note($"no revision of {family} beyond the newest {keep} to deregister");
    }
}
