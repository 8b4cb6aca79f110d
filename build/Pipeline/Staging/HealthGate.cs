using System.Diagnostics;

namespace Pipeline.Staging;

/// <summary>The outcome of waiting for a container's health check.</summary>
public sealed record HealthVerdict(bool Healthy, TimeSpan Waited, string LastStatus);

/// <summary>
/// Waits until the container is healthy, within a budget. The image's own HEALTHCHECK is the judge (what the app
/// itself says it needs): Docker's status, read over the host's open SSH connection, and while Docker still says
/// "starting", the same check run by the gate at each poll, so a healthy app is not kept waiting for Docker's next
/// interval. One passing probe makes a container healthy, as it does for Docker.
/// </summary>
public sealed class HealthGate(IRemoteHost host, AppCommands commands, TimeSpan budget)
{
    // Cheap over the host's open connection (one channel, no handshake); a probe of the app's own adds its run time.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public async Task<HealthVerdict> WaitAsync(string container, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var last = "";
        while (true)
        {
            var result = await host.RunAsync(commands.Health(container), cancellation);
            var parts = result.Output.Trim().Split('|');
            last = result.Succeeded && parts.Length == 4 ? $"{parts[0]}, health {parts[1]}" : result.Combined;
            if (result.Succeeded && parts.Length == 4)
            {
                if (parts[1] == "healthy") return new HealthVerdict(true, clock.Elapsed, last);
                if (parts[1] == "starting" && parts[3] == "passed") return new HealthVerdict(true, clock.Elapsed, "running, its health check passed");
                if (parts[1] == "unhealthy") return new HealthVerdict(false, clock.Elapsed, last);
                if (parts[1] == "none") return new HealthVerdict(false, clock.Elapsed, "the image has no HEALTHCHECK, so nothing can vouch for it");
                if (parts[0] is "exited" or "dead") return new HealthVerdict(false, clock.Elapsed, $"{parts[0]} with exit code {parts[2]}");
            }
            if (clock.Elapsed >= budget) return new HealthVerdict(false, clock.Elapsed, $"still {last} after {budget.TotalSeconds:0} s");
            await Task.Delay(PollInterval, cancellation);
        }
    }
}
