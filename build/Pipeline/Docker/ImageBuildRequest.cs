namespace Pipeline.Docker;

/// <summary>
/// One image build with the engine's legacy builder (the CLI here has no buildx). <see cref="Dockerfile"/> is a path
/// inside <see cref="ContextDirectory"/>; <see cref="Credentials"/> let a FROM pull its base from a private registry.
/// </summary>
public sealed record ImageBuildRequest(string ContextDirectory)
{
    public string Dockerfile { get; init; } = "Dockerfile";

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Images whose layers may serve as cache; the legacy builder only uses ones already in the engine. When this
    /// list is not empty, the legacy builder uses only these and ignores its own local cache, so a list of one
    /// unrelated image makes every step run again: include recent local builds too.
    /// </summary>
    public IReadOnlyList<string> CacheFrom { get; init; } = [];

    /// <summary>Off by default: base images come from the local sandbox or were pulled on purpose.</summary>
    public bool Pull { get; init; }

    public bool NoCache { get; init; }

    /// <summary>A multi-stage target; null builds the last stage.</summary>
    public string? Target { get; init; }

    public IReadOnlyList<RegistryCredentials> Credentials { get; init; } = [];
}
