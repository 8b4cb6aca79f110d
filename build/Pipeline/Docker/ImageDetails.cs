namespace Pipeline.Docker;

/// <summary>What the pipeline needs from GET /images/{name}/json.</summary>
public sealed record ImageDetails(
    string Id,
    IReadOnlyList<string> RepoTags,
    IReadOnlyList<string> RepoDigests,
    long Size,
    DateTimeOffset Created,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>Paths the image declares as VOLUME: a commit of a container from it never includes them.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];
}

/// <summary>One row of GET /images/json.</summary>
public sealed record ImageSummary(
    string Id,
    IReadOnlyList<string> RepoTags,
    IReadOnlyList<string> RepoDigests,
    long Size,
    DateTimeOffset Created,
    IReadOnlyDictionary<string, string> Labels);
