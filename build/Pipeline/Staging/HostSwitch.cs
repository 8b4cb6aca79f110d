using Pipeline.Cli;

namespace Pipeline.Staging;

/// <summary>
/// The part a deploy and a rollback share once a candidate container is healthy: take the host out with the
/// before-host hook, point the proxy at the candidate, stop the old container (kept, stopped, for Rollback), put
/// the host back, and keep no more than the one previous container.
/// </summary>
public sealed class HostSwitch(IRemoteHost host, AppCommands commands, HostHooks hooks)
{
    // nginx -s reload returns once the master has the signal; its new workers take over within milliseconds and
    // the old ones finish their requests. The old container keeps running this long so none of those fail.
    private static readonly TimeSpan ReloadGrace = TimeSpan.FromMilliseconds(500);

    // The steps after the proxy switched finish on their own budget: a cancel then must not leave the host out of
    // the load balancer or with two versions running.
    private static readonly TimeSpan FinishBudget = TimeSpan.FromMinutes(2);

    public async Task SwitchAsync(string candidate, HostState state, CancellationToken cancellation)
    {
        if (!state.ProxyExists)
        {
            Log.Note($"{host.Host.Name}: no proxy yet, starting one on {host.Host.Publish}");
            await host.RunCheckedAsync(commands.RunProxy(host.Host), cancellation);
        }
        else if (!state.ProxyRunning)
        {
            await host.RunCheckedAsync(commands.StartProxy(), cancellation);
        }

        // Once the before-host hook has started (it may have drained the host even if it then failed), the
        // after-host hook runs whatever happens next: a failed switch, a failed stop, a cancel.
        var failed = true;
        try
        {
            await hooks.BeforeAsync(host.Host, cancellation);
            // The switch script puts the old config back if nginx refuses the new one, so a failure here leaves
            // the old container serving.
            await host.RunCheckedAsync(commands.Switch(candidate), cancellation);
            Log.Note($"{host.Host.Name}: proxy now sends traffic to {candidate}");
            using var finish = new CancellationTokenSource(FinishBudget);
            await Task.Delay(ReloadGrace, finish.Token);
            if (state.Active is { IsRunning: true } old && old.Name != candidate)
                await host.RunCheckedAsync(commands.Stop(old.Name), finish.Token);
            failed = false;
        }
        finally
        {
            await AfterAsync(rethrow: !failed);
        }
        cancellation.ThrowIfCancellationRequested();

        var pruned = await host.RunAsync(commands.Prune(candidate, state.Active?.Name), cancellation);
        if (pruned.Combined.Length > 0) Log.Note($"{host.Host.Name}: {pruned.Combined.Replace("\n", ", ")}");
    }

    // After a failure the hook's own failure is reported but does not hide the first one.
    private async Task AfterAsync(bool rethrow)
    {
        using var budget = new CancellationTokenSource(FinishBudget);
        try
        {
            await hooks.AfterAsync(host.Host, budget.Token);
        }
        catch (Exception e) when (!rethrow && e is PipelineException or OperationCanceledException)
        {
            Log.Warn($"{host.Host.Name}: after-host: {e.Message}");
        }
    }
}
