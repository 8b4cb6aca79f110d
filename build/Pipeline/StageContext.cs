using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline;

/// <summary>What every stage gets: the settings, the run id, and the engine (connected on first use).</summary>
public sealed class StageContext(PipelineSettings settings, string runId, Func<IDockerEngine> connect)
{
    private IDockerEngine? _docker;

    public PipelineSettings Settings { get; } = settings;

    public string RunId { get; } = runId;

    public IDockerEngine Docker => _docker ??= connect();
}
