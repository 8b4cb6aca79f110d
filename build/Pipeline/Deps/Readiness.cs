using System.Diagnostics;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Deps;

/// <summary>
/// Waits until a dependency is ready by its probe (<see cref="ReadinessProbe"/>): a real query through MySQL's own
/// client, a RESP PING, a TCP connect, or a command in its container. Gives up at the deadline naming the service, or at once when its container has stopped.
/// </summary>
public sealed class Readiness(IDockerEngine docker)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(5);
    private const int LogLinesOnFailure = 30;

    /// <summary>Null when the service answers now; otherwise why not.</summary>
    public async Task<string?> ProbeAsync(DependencyService service, CancellationToken cancellation)
    {
        var probe = service.Ready;
        if (probe.Kind is ReadinessProbe.SqlKind or ReadinessProbe.ExecKind)
        {
            var command = probe.Kind == ReadinessProbe.SqlKind ? MysqlClientCommand.Query(probe.Query!) : probe.Command!;
            var result = await docker.Containers.ExecAsync(service.ContainerName, command, ProbeLimit, cancellation);
            return result.ExitCode == 0 ? null : FirstLine(result.Stderr) ?? FirstLine(result.Stdout) ?? $"`{command[0]}` exited with {result.ExitCode}";
        }
        var details = await docker.Containers.InspectAsync(service.ContainerName, cancellation);
        if (details is null || !details.PublishedPorts.TryGetValue(service.PortKey, out var port))
            return $"{service.PortKey} is not published";
        return probe.Kind == ReadinessProbe.RespPingKind
            ? await RedisPing.ProbeAsync("127.0.0.1", port, ProbeLimit, cancellation)
            : await TcpProbe.ProbeAsync("127.0.0.1", port, ProbeLimit, cancellation);
    }

    public async Task WaitAsync(DependencyService service, TimeSpan timeout, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string? reason = "not probed yet";
        while (true)
        {
            var details = await docker.Containers.InspectAsync(service.ContainerName, cancellation);
            if (details is null || !details.State.Running)
            {
                var how = details is null ? "was removed" : $"stopped (exit code {details.State.ExitCode})";
                throw new PipelineException(
                    $"{service.DisplayName} (container {service.ContainerName}) {how} before it was ready",
                    $"Read its log below; check that its image ({service.Image}) starts on its own with the service's env.",
                    await LogTailAsync(service, cancellation));
            }
            try
            {
                reason = await ProbeAsync(service, cancellation);
            }
            catch (PipelineException e) when (!cancellation.IsCancellationRequested)
            {
                reason = e.Message;
            }
            if (reason is null)
            {
                Cli.Log.Note($"{service.DisplayName} ready after {clock.Elapsed.TotalSeconds:0.0} s");
                return;
            }
            if (clock.Elapsed >= timeout)
            {
                throw new PipelineException(
                    $"{service.DisplayName} (container {service.ContainerName}) was not ready within {timeout.TotalSeconds:0.#} s",
                    $"Read its log below; if the machine is just slow, raise --deps-timeout / DEPS_TIMEOUT.",
                    $"last check: {reason}\n{await LogTailAsync(service, cancellation)}");
            }
            await Task.Delay(Interval, cancellation);
        }
    }

    private async Task<string> LogTailAsync(DependencyService service, CancellationToken cancellation)
    {
        try
        {
            var logs = await docker.Containers.LogsAsync(service.ContainerName, LogLinesOnFailure, cancellation);
            var text = (logs.Stdout + logs.Stderr).TrimEnd();
            return $"last lines of {service.ContainerName}'s log:\n" + (text.Length == 0 ? "(empty)" : text);
        }
        catch (PipelineException e)
        {
            return $"(its log could not be read: {e.Message})";
        }
    }

    private static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
