using System.Text.Json;

namespace AwsEndpoint.Registry;

/// <summary>What ECR reports about an image that only its manifest (and the registry's storage) can tell.</summary>
public static class ManifestFacts
{
    /// <summary>ECR's imageSizeInBytes: the compressed layers plus config for an image manifest, the referenced
    /// manifests' sizes for a list/index (what is stored for it, not what a pull unpacks).</summary>
    public static long SizeInBytes(RegistryManifest manifest)
    {
        using var doc = JsonDocument.Parse(manifest.Body);
        var root = doc.RootElement;
        long Sum(string member) => root.TryGetProperty(member, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Sum(e => e.TryGetProperty("size", out var s) ? s.GetInt64() : 0)
            : 0;
        var config = root.TryGetProperty("config", out var c) && c.TryGetProperty("size", out var cs) ? cs.GetInt64() : 0;
        return config + Sum("layers") + Sum("manifests");
    }

    /// <summary>The config blob's media type (ECR's artifactMediaType), absent for lists/indexes.</summary>
    public static string? ArtifactMediaType(RegistryManifest manifest)
    {
        using var doc = JsonDocument.Parse(manifest.Body);
        return doc.RootElement.TryGetProperty("config", out var c) && c.TryGetProperty("mediaType", out var m) ? m.GetString() : null;
    }

    /// <summary>The registry API has no push time, but its filesystem storage writes a revision link when a
    /// manifest is first pushed: that file's mtime is the push time. Null when the storage is not readable here.</summary>
    public static DateTimeOffset? PushedAt(string registryDataDir, string repository, string digest)
    {
        var (algorithm, hex) = (digest.Split(':')[0], digest.Split(':').LastOrDefault() ?? "");
        if (hex.Length == 0 || hex.Any(ch => !char.IsAsciiHexDigit(ch)) || repository.Contains(".."))
            return null;
        var link = Path.Combine(registryDataDir, "docker", "registry", "v2", "repositories", repository,
            "_manifests", "revisions", algorithm, hex, "link");
        return File.Exists(link) ? new DateTimeOffset(File.GetLastWriteTimeUtc(link), TimeSpan.Zero) : null;
    }
}
