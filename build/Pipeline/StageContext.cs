using Pipeline.Aws;
using Pipeline.Config;
using Pipeline.Docker;
using Pipeline.Registry;

namespace Pipeline;

/// <summary>
/// What every stage gets: the settings, the run id, the engine and AWS (both connected on first use), and the
/// registry login, made once per run and shared by every stage that pulls or pushes.
/// </summary>
public sealed class StageContext(PipelineSettings settings, string runId, Func<IDockerEngine> connect, Cli.TargetGraph graph)
{
    private IDockerEngine? _docker;
    private Task<RegistryCredentials?>? _registryLogin;

    public PipelineSettings Settings { get; } = settings;

    public string RunId { get; } = runId;

    /// <summary>The declared targets and their edges, for stages that describe the pipeline itself (GenerateCi).</summary>
    public Cli.TargetGraph Graph { get; } = graph;

    /// <summary>The targets this invocation runs (its plan minus --skip); a stage may do less when a later one is absent.</summary>
    public IReadOnlySet<string> Running { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public bool Runs(string target) => Running.Contains(target);

    /// <summary>
    /// The names, labels and host ports of the dependency containers: the fixed pipeline-* ones, unless a test gives
    /// its own so that the deps targets it runs never meet a developer's (or another test's) containers.
    /// </summary>
    public Deps.DepsNaming DepsNaming { get; init; } = Deps.DepsNaming.Default;

    public IDockerEngine Docker => _docker ??= connect();

    public AwsAccess Aws { get; } = new(settings, Environment.GetEnvironmentVariable);

    public Task<RegistryCredentials?> RegistryLoginAsync(CancellationToken cancellation) =>
        _registryLogin ??= RegistryLogin.ForAsync(Settings, Aws, cancellation);
}
