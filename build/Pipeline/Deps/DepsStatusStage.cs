using Pipeline.Cli;

namespace Pipeline.Deps;

/// <summary>DepsStatus: each dependency container's state, published port, run, and whether it answers right now.</summary>
public sealed class DepsStatusStage(StageContext context) : IStage
{
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(5);

    public IEnumerable<string> Describe()
    {
        var plan = DepsPlan.For(context.Settings, context.RunId, context.DepsNaming);
        yield return $"inspect {plan.ContainerNames}: state, image, ports, run id";
        foreach (var service in plan.Services) yield return $"ask {service.ContainerName} right now whether it {service.Ready}";
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var docker = context.Docker;
        var plan = DepsPlan.For(context.Settings, context.RunId, context.DepsNaming);
        var readiness = new Readiness(docker);
        foreach (var service in plan.Services)
        {
            var details = await docker.Containers.InspectAsync(service.ContainerName, cancellation);
            if (details is null)
            {
                Log.Info($"{service.ContainerName,-16} absent (start it with ./build.sh DepsUp)");
                continue;
            }
            var ports = string.Join(", ", details.PublishedPorts.Select(p => $"127.0.0.1:{p.Value}->{p.Key}"));
            var health = "-";
            if (details.State.Running)
            {
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                limit.CancelAfter(ProbeLimit);
                try
                {
                    health = await readiness.ProbeAsync(service, limit.Token) is { } reason ? $"not answering ({reason})" : "answering";
                }
                catch (Exception e) when (e is PipelineException or OperationCanceledException && !cancellation.IsCancellationRequested)
                {
                    health = $"not answering ({e.Message})";
                }
            }
            Log.Info($"{service.ContainerName,-16} {details.State.Status,-8} {health}");
            Log.Note($"image {details.Image}; ports {(ports.Length == 0 ? "none" : ports)}; " +
                $"networks {string.Join(", ", details.NetworkAddresses.Keys)}; " +
                $"run {details.Labels.GetValueOrDefault(DepsPlan.RunIdLabel) ?? "?"}; started {details.State.StartedAt:u}");
        }
    }
}
