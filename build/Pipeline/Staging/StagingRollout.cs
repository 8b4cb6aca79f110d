using Pipeline.Cli;

namespace Pipeline.Staging;

/// <summary>
/// Runs one change over the staging hosts in turn, under the environment's deploy lock: the lock is taken on the
/// first host, held while host after host changes, and released at the end, also after a failure or Ctrl-C. The
/// first failing host stops the rollout; the hosts after it are not touched. Every host gets a report line.
/// </summary>
public sealed class StagingRollout(StagingSettings settings, string target, string runId)
{
    public async Task RunAsync(
        Func<HostDeployment, CancellationToken, Task<HostReport>> change, CancellationToken cancellation)
    {
        settings.RequireHosts();
        await using var ssh = new SshSession(settings);
        var hooks = new HostHooks(settings.BeforeHost, settings.AfterHost);
        var deployLock = new DeployLock(ssh.For(settings.Hosts[0]), settings.Container);
        var reports = new List<HostReport>();
        await deployLock.AcquireAsync(LockHolder.ForThisRun(target, settings.Version, runId, DateTimeOffset.UtcNow), settings.LockWait, cancellation);
        try
        {
            foreach (var host in settings.Hosts)
            {
                var deployment = new HostDeployment(ssh.For(host), settings, hooks, runId);
                try
                {
                    reports.Add(await change(deployment, cancellation));
                }
                catch (Exception e) when (e is PipelineException or OperationCanceledException)
                {
                    var outcome = e is OperationCanceledException ? "cancelled" : "FAILED: " + e.Message;
                    reports.Add(new HostReport(host.Name, deployment.ServedBefore, target == "Rollback" ? "previous" : settings.Version, null, outcome));
                    foreach (var rest in settings.Hosts.SkipWhile(h => h != host).Skip(1))
                        reports.Add(new HostReport(rest.Name, null, null, null, "not touched"));
                    throw;
                }
            }
        }
        finally
        {
            await deployLock.ReleaseAsync(runId);
            RunSummary.Add($"{target} per host:");
            foreach (var report in reports) RunSummary.Add("  " + report);
        }
    }
}
