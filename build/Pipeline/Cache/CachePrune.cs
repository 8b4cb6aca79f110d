using Pipeline.Cli;

namespace Pipeline.Cache;

/// <summary>One file in the cache directory, as prune sees it.</summary>
public sealed record CacheFile(string Name, DateTime LastWriteUtc);

/// <summary>
/// What prune removes: the cache's own files (by name pattern) that no configured image's entry references, and
/// temp files a dead pipeline left behind. Anything else in the directory is someone else's and stays.
/// </summary>
public static class CachePrune
{
    /// <param name="files">The directory's files.</param>
    /// <param name="kept">Names the configured entries use: each one's manifest, lock, and the tarball its manifest names.</param>
    /// <param name="configuredKeys">Keys of the configured images; their other tarballs (older compression) go too.</param>
    public static IReadOnlyList<string> Select(
        IEnumerable<CacheFile> files, IReadOnlySet<string> kept, IReadOnlySet<string> configuredKeys,
        DateTime now, TimeSpan staleTempAge)
    {
        var doomed = new List<string>();
        foreach (var file in files)
        {
            if (CacheEntry.OwnTempFileName().IsMatch(file.Name))
            {
                // A younger temp file may be another pipeline's save in progress.
                if (now - file.LastWriteUtc > staleTempAge) doomed.Add(file.Name);
                continue;
            }
            var own = CacheEntry.OwnFileName().Match(file.Name);
            if (!own.Success || kept.Contains(file.Name)) continue;
            // A configured key's lock stays even without a manifest: a pipeline may be waiting on it right now.
            if (own.Groups["kind"].Value == "lock" && configuredKeys.Contains(own.Groups["key"].Value)) continue;
            doomed.Add(file.Name);
        }
        return doomed;
    }

    /// <summary>
    /// Deletes what <see cref="Select"/> picks. Each entry's files go only while its lock is free and held by us, and a
    /// configured entry's manifest is read again under that lock: another pipeline may have just rewritten it.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunAsync(
        string directory, IReadOnlyCollection<CacheEntry> configured, TimeSpan staleTempAge, CancellationToken cancellation)
    {
        var kept = new HashSet<string>();
        foreach (var entry in configured)
        {
            kept.Add(Path.GetFileName(entry.ManifestPath));
            kept.Add(Path.GetFileName(entry.LockPath));
            if (await CacheManifest.ReadAsync(entry, cancellation) is { } manifest) kept.Add(manifest.Tarball);
        }
        var keys = configured.Select(c => c.Key).ToHashSet();
        var files = new DirectoryInfo(directory).EnumerateFiles().Select(f => new CacheFile(f.Name, f.LastWriteTimeUtc));
        var doomed = Select(files, kept, keys, DateTime.UtcNow, staleTempAge);

        var removed = new List<string>();
        foreach (var group in doomed.GroupBy(KeyOf))
        {
            cancellation.ThrowIfCancellationRequested();
            FileStream? held = null;
            var names = group.ToList();
            if (group.Key is { } key)
            {
                held = CacheEntryLock.TryAcquire(Path.Combine(directory, key + ".lock"));
                if (held is null) continue;
                if (configured.FirstOrDefault(e => e.Key == key) is { } entry &&
                    await CacheManifest.ReadAsync(entry, cancellation) is { } current)
                    names.Remove(current.Tarball);
            }
            using (held)
            {
                // The lock file goes last, while held: a pipeline that opens it afterwards makes a fresh one.
                foreach (var name in names.OrderBy(n => n.EndsWith(".lock", StringComparison.Ordinal)))
                {
                    AtomicFile.DeleteQuietly(Path.Combine(directory, name));
                    removed.Add(name);
                }
            }
        }
        if (removed.Count > 0) Log.Note($"cache: pruned {removed.Count} unused file(s) from {directory}: {string.Join(", ", removed)}");
        return removed;
    }

    private static string? KeyOf(string name)
    {
        var own = CacheEntry.OwnFileName().Match(name);
        return own.Success ? own.Groups["key"].Value : null;
    }
}
