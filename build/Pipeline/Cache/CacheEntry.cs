using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Docker;

namespace Pipeline.Cache;

/// <summary>
/// Where one image lives in the cache directory. The key is the reference made file-safe, plus a hash of the exact
/// reference, so "a/b:c" and "a-b:c" never share files while a person can still see which image a file holds.
/// </summary>
public sealed partial record CacheEntry(string Reference, string Key, string Directory)
{
    // Everything the cache writes matches one of these, and prune touches nothing else: the default directory is
    // ~/docker, where a person may keep tarballs of their own (the original setup's mysql.tar, say).
    [GeneratedRegex(@"^(?<key>[a-z0-9._-]+-[0-9a-f]{12})\.(?<kind>json|lock|tar|tar\.gz|tar\.br)\z")]
    public static partial Regex OwnFileName();

    [GeneratedRegex(@"^\.(?<key>[a-z0-9._-]+-[0-9a-f]{12})\.[0-9a-f]{32}\.tmp\z")]
    public static partial Regex OwnTempFileName();

    public static CacheEntry For(string reference, string directory)
    {
        var normal = ImageReference.Parse(reference).ToString();
        var readable = new StringBuilder();
        foreach (var c in normal.ToLowerInvariant())
            readable.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-' or '_' ? c : '-');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normal)))[..12];
        var name = readable.ToString().Trim('-', '.');
        if (name.Length > 100) name = name[^100..].TrimStart('-', '.');
        return new CacheEntry(normal, $"{name}-{hash}", directory);
    }

    public string ManifestPath => Path.Combine(Directory, Key + ".json");

    /// <summary>Held while one pipeline checks, loads or writes this entry; see <see cref="CacheEntryLock"/>.</summary>
    public string LockPath => Path.Combine(Directory, Key + ".lock");

    public string TarballName(TarballCompression compression) => Key + compression.FileExtension;

    public string PathOf(string fileName) => Path.Combine(Directory, fileName);

    /// <summary>A fresh temporary name in the same directory (so the rename stays on one filesystem), hidden by the dot.</summary>
    public string NewTempPath() => Path.Combine(Directory, $".{Key}.{Guid.NewGuid():N}.tmp");

    /// <summary>The short name people use in log lines: "mariadb:10.11" for 127.0.0.1:5000/sandbox/mariadb:10.11.</summary>
    public string DisplayName
    {
        get
        {
            var image = ImageReference.Parse(Reference);
            var slash = image.Repository.LastIndexOf('/');
            return image.Repository[(slash + 1)..] + (image.Tag is null ? "" : ":" + image.Tag) +
                   (image.Digest is null ? "" : "@" + image.Digest[..Math.Min(image.Digest.Length, 19)]);
        }
    }
}
