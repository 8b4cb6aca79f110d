using Pipeline.Cli;

namespace Pipeline.Staging;

/// <summary>
/// Runs one change over the staging hosts in turn, under the environment's deploy lock: the lock is taken on the
/// first host, held while host after host changes, and released at the end, also after a failure or Ctrl-C. The
/// first failing host stops the rollout; the hosts after it are not touched. Every host gets a report line.
/// </summary>
public sealed class StagingRollout(StagingSettings settings, string target, string runId)
{
    /// <param name="prepare">
    /// Work that changes nothing a host serves (pulling the image), run on every host at once before the first one
    /// changes: a host that cannot even pull fails the run before any host was touched, and no host waits for its
    /// pull inside the rolling part.
    /// </param>
    public async Task RunAsync(
        Func<HostDeployment, CancellationToken, Task<HostReport>> change, CancellationToken cancellation,
        Func<HostDeployment, CancellationToken, Task>? prepare = null)
    {
        settings.RequireConnectionSettings();
        await using var ssh = new StagingConnections(settings);
        var hooks = new HostHooks(settings.BeforeHost, settings.AfterHost);
        var deployLock = new DeployLock(ssh.For(settings.Hosts[0]), settings.Container);
        var reports = new List<HostReport>();
        try
        {
            // Inside the try: a cancel during the acquire may come after the host made the lock, and the release
            // (which removes only this run's lock) must then still run.
            await deployLock.AcquireAsync(LockHolder.ForThisRun(target, settings.Version, runId, DateTimeOffset.UtcNow), settings.LockWait, cancellation);
            var deployments = settings.Hosts.Select(h => new HostDeployment(ssh.For(h), settings, hooks, runId)).ToList();
            if (prepare is not null) await PrepareAsync(deployments, prepare, reports, cancellation);
            foreach (var (host, deployment) in settings.Hosts.Zip(deployments))
            {
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
            if (deployLock.MayHold) await deployLock.ReleaseAsync(runId);
            if (reports.Count == 0) reports.AddRange(settings.Hosts.Select(h => new HostReport(h.Name, null, null, null, "not touched")));
            RunSummary.Add($"{target} per host:");
            foreach (var report in reports) RunSummary.Add("  " + report);
        }
    }

    private static async Task PrepareAsync(
        IReadOnlyList<HostDeployment> deployments, Func<HostDeployment, CancellationToken, Task> prepare,
        List<HostReport> reports, CancellationToken cancellation)
    {
        var work = deployments.Select(d => prepare(d, cancellation)).ToList();
        try
        {
            await Task.WhenAll(work);
        }
        catch (Exception e) when (e is PipelineException or OperationCanceledException)
        {
            foreach (var (deployment, task) in deployments.Zip(work))
                reports.Add(new HostReport(deployment.HostName, null, null, null,
                    task.Exception?.InnerException is PipelineException failed ? "FAILED before any change: " + failed.Message : "not touched"));
            throw;
        }
    }
}
