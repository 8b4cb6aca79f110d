using System.Text.Json.Serialization;

namespace Pipeline.Docker;

// The engine's JSON shapes, kept apart from the records the pipeline uses: the engine sends null for empty lists
// and maps, and these types are where that is absorbed.

internal sealed record ImageInspectWire(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("RepoTags")] List<string>? RepoTags,
    [property: JsonPropertyName("RepoDigests")] List<string>? RepoDigests,
    [property: JsonPropertyName("Size")] long Size,
    [property: JsonPropertyName("Created")] DateTimeOffset Created,
    [property: JsonPropertyName("Config")] ImageConfigWire? Config)
{
    public ImageDetails ToDetails() => new(
        Id, RepoTags ?? [], RepoDigests ?? [], Size, Created,
        Config?.Labels ?? new Dictionary<string, string>())
    {
        Volumes = Config?.Volumes?.Keys.ToList() ?? [],
    };
}

internal sealed record ImageConfigWire(
    [property: JsonPropertyName("Labels")] Dictionary<string, string>? Labels,
    [property: JsonPropertyName("Volumes")] Dictionary<string, System.Text.Json.JsonElement>? Volumes = null);

internal sealed record ImageSummaryWire(
    [property: JsonPropertyName("Id")] string Id,
    [property: JsonPropertyName("RepoTags")] List<string>? RepoTags,
    [property: JsonPropertyName("RepoDigests")] List<string>? RepoDigests,
    [property: JsonPropertyName("Size")] long Size,
    [property: JsonPropertyName("Created")] long Created,
    [property: JsonPropertyName("Labels")] Dictionary<string, string>? Labels)
{
    public ImageSummary ToSummary() => new(
        Id, RepoTags ?? [], RepoDigests ?? [], Size, DateTimeOffset.FromUnixTimeSeconds(Created),
        Labels ?? new Dictionary<string, string>());
}
