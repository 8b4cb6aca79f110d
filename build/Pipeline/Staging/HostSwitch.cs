using Pipeline.Cli;

namespace Pipeline.Staging;

/// <summary>
/// The part a deploy and a rollback share once a candidate container is healthy: take the host out with the
/// before-host hook, point the proxy at the candidate, stop the old container (kept, stopped, for Rollback), put
/// the host back, and keep no more than the one previous container.
/// </summary>
public sealed class HostSwitch(SshConnection host, AppCommands commands, HostHooks hooks)
{
    // nginx -s reload returns once the master has the signal; its new workers take over within milliseconds and
    // the old ones finish their requests. The old container keeps running this long so none of those fail.
    private static readonly TimeSpan ReloadGrace = TimeSpan.FromMilliseconds(500);

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

        await hooks.BeforeAsync(host.Host, cancellation);
        try
        {
            await host.RunCheckedAsync(commands.Switch(candidate), cancellation);
        }
        catch (PipelineException)
        {
            // The script put the old config back, so the old container still serves: the host may rejoin.
            await hooks.AfterAsync(host.Host, CancellationToken.None);
            throw;
        }
        Log.Note($"{host.Host.Name}: proxy now sends traffic to {candidate}");
        await Task.Delay(ReloadGrace, cancellation);
        if (state.Active is { IsRunning: true } old && old.Name != candidate)
            await host.RunCheckedAsync(commands.Stop(old.Name), cancellation);
        await hooks.AfterAsync(host.Host, cancellation);

        var pruned = await host.RunAsync(commands.Prune(candidate, state.Active?.Name), cancellation);
        if (pruned.Combined.Length > 0) Log.Note($"{host.Host.Name}: {pruned.Combined.Replace("\n", ", ")}");
    }
}
