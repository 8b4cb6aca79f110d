using Pipeline.Cli;

namespace Pipeline.Staging;

/// <summary>
/// StagingUnlock: shows who holds the staging deploy lock and removes it. For a lock left by a run that died
/// (killed machine, lost CI runner); a run that ends in any other way releases its own lock.
/// </summary>
public sealed class StagingUnlockStage(StageContext context) : IStage
{
    public IEnumerable<string> Describe()
    {
        var settings = StagingSettings.From(context.Settings);
        var host = settings.RequireHosts();
        foreach (var line in StagingConnections.DescribeCredentials(settings)) yield return line;
        yield return $"{host.Name}: {StagingPlan.ConnectionLine(settings, host)}";
        yield return $"{host.Name}: {DeployLock.BreakCommand(settings.Container).Display}";
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var settings = StagingSettings.From(context.Settings);
        var host = settings.RequireConnectionSettings();
        await using var ssh = new StagingConnections(settings);
        var result = await ssh.For(host).RunCheckedAsync(DeployLock.BreakCommand(settings.Container), cancellation);
        var (state, holder) = DeployLock.Parse(result.Output);
        var line = state == "held"
            ? $"removed the staging deploy lock '{settings.Container}' on {host.Name}, held by {holder?.ToString() ?? "(no holder file)"}"
            : $"the staging deploy lock '{settings.Container}' on {host.Name} was not held";
        Log.Note(line);
        RunSummary.Add(line);
    }
}
