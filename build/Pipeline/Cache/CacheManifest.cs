using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Cache;

/// <summary>
/// What one cache entry holds: the image reference, the image ID the engine gave it, and the tarball's file name,
/// compression, size and sha256. A tarball is trusted only through this record; a tarball without one is never loaded.
/// </summary>
/// <remarks>
/// One manifest per image (`&lt;key&gt;.json` beside `&lt;key&gt;.tar.br`) rather than one index for the directory:
/// each image's entry is then replaced by a single rename, so parallel images and parallel pipelines never
/// read-modify-write a shared file, and a lost update of one image cannot drop another's entry.
/// </remarks>
public sealed record CacheManifest(
    string Reference,
    string ImageId,
    string Tarball,
    string Compression,
    string Sha256,
    long Size,
    long ImageBytes,
    DateTimeOffset SavedAt)
{
    public const int CurrentSchema = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    };

    public int Schema { get; init; } = CurrentSchema;

    /// <summary>Only in a tested-image archive: the test run the image passed (absent in the dependency cache).</summary>
    public TestProvenance? TestedWith { get; init; }

    /// <summary>The entry is for this reference and this very file (name, size and sha256 all as recorded).</summary>
    public bool Describes(string reference, string tarball, long size, string sha256) =>
        Reference == reference && Tarball == tarball && Size == size &&
        string.Equals(Sha256, sha256, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The manifest is this entry's and names the file the entry would hold for its compression. Anything else is
    /// ignored rather than followed: a manifest naming "../../somewhere" must never make the cache read or delete it.
    /// </summary>
    public bool BelongsTo(CacheEntry entry)
    {
        try
        {
            return Reference == entry.Reference &&
                   Tarball == entry.TarballName(TarballCompression.Parse(Compression, "manifest"));
        }
        catch (PipelineException)
        {
            return false;
        }
    }

    /// <summary>The engine's image (null when absent) is the one this entry was saved from.</summary>
    public bool RecordsImage(string? imageId) => imageId is not null && ImageId == imageId;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The manifest in json, or null when it is not one this version writes (damaged, foreign, older schema).</summary>
    public static CacheManifest? Parse(string json)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<CacheManifest>(json, Json);
            return manifest is { Schema: CurrentSchema, Reference.Length: > 0, ImageId.Length: > 0, Tarball.Length: > 0, Sha256.Length: 64 }
                ? manifest
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The entry's manifest, or null when there is none it can trust (missing, damaged, or not its own).</summary>
    public static async Task<CacheManifest?> ReadAsync(CacheEntry entry, CancellationToken cancellation)
    {
        try
        {
            return Parse(await File.ReadAllTextAsync(entry.ManifestPath, cancellation)) is { } manifest && manifest.BelongsTo(entry)
                ? manifest
                : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
