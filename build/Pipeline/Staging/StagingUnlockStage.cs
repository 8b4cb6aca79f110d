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
        var ssh = new SshConnection(host, SshSession.Options(settings, "<control dir>"));
        foreach (var line in SshSession.DescribeCredentials(settings, "<control dir>")) yield return line;
        yield return $"{host.Name}: {ssh.Describe(DeployLock.BreakCommand(settings.Container))}";
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var settings = StagingSettings.From(context.Settings);
        var host = settings.RequireConnectionSettings();
        await using var ssh = new SshSession(settings);
        var result = await ssh.For(host).RunCheckedAsync(DeployLock.BreakCommand(settings.Container), cancellation);
        var (state, holder) = DeployLock.Parse(result.Output);
        var line = state == "held"
            ? $"removed the staging deploy lock '{settings.Container}' on {host.Name}, held by {holder?.ToString() ?? "(no holder file)"}"
            : $"the staging deploy lock '{settings.Container}' on {host.Name} was not held";
        Log.Note(line);
        RunSummary.Add(line);
    }
}
