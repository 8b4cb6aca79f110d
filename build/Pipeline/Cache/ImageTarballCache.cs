using System.Diagnostics;
using Pipeline.Cli;
using Pipeline.Docker;

namespace Pipeline.Cache;

/// <summary>
/// The images Restore needs, kept as `docker save` tarballs between runs (CI caches the directory). Per image: the
/// engine already has what the cache entry records, or the verified tarball is loaded, or the image is pulled (or
/// taken from the engine) and saved. Images are handled in parallel; unused files are pruned at the end.
/// </summary>
public sealed class ImageTarballCache(
    IDockerEngine docker, ImageCacheSettings settings, Func<ImageReference, RegistryCredentials?> credentialsFor)
{
    private readonly TarballTransfer _transfer = new(docker.Images, settings.Compression);

    public async Task<IReadOnlyList<CachedImage>> RestoreAsync(IReadOnlyList<string> images, CancellationToken cancellation)
    {
        var entries = Entries(images);
        EnsureDirectory();
        var results = await Task.WhenAll(entries.Select(entry => RestoreOneAsync(entry, cancellation)));
        await CachePrune.RunAsync(settings.Directory, entries, settings.StaleTempAge, cancellation);
        return results;
    }

    /// <summary>What RestoreAsync would do, for --dryrun: it reads the manifests but asks the engine nothing.</summary>
    public static IEnumerable<string> Describe(ImageCacheSettings settings, IReadOnlyList<string> images)
    {
        foreach (var entry in Entries(settings, images))
        {
            var manifest = File.Exists(entry.ManifestPath)
                ? CacheManifest.Parse(File.ReadAllText(entry.ManifestPath)) is { } read && read.BelongsTo(entry) ? read : null
                : null;
            var tarball = manifest is null ? null : entry.PathOf(manifest.Tarball);
            yield return manifest is not null && File.Exists(tarball)
                ? $"{entry.Reference}: nothing if the engine has image {Short(manifest.ImageId)}, else load {tarball} " +
                  $"({TarballTransfer.Megabytes(manifest.Size)}, sha256 checked); if it is damaged, pull and save again"
                : $"{entry.Reference}: no cache entry yet: save it from the engine if there, else pull it; " +
                  $"then save it to {entry.PathOf(entry.TarballName(settings.Compression))} ({settings.Compression})";
        }
        yield return $"prune files in {settings.Directory} that no image above uses, and temp files older than {settings.StaleTempAge.TotalHours:0.#} h";
    }

    public async Task<IReadOnlyList<string>> PruneAsync(IReadOnlyList<string> images, CancellationToken cancellation)
    {
        EnsureDirectory();
        return await CachePrune.RunAsync(settings.Directory, Entries(images), settings.StaleTempAge, cancellation);
    }

    private List<CacheEntry> Entries(IReadOnlyList<string> images) => Entries(settings, images);

    private static List<CacheEntry> Entries(ImageCacheSettings settings, IReadOnlyList<string> images) =>
        images.Select(image => CacheEntry.For(image, settings.Directory)).DistinctBy(e => e.Key).ToList();

    private async Task<CachedImage> RestoreOneAsync(CacheEntry entry, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        using var held = await CacheEntryLock.AcquireAsync(entry, settings.LockTimeout, cancellation);
        var manifest = await CacheManifest.ReadAsync(entry, cancellation);
        var inEngine = await docker.Images.InspectAsync(entry.Reference, cancellation);
        string? repair = null;

        if (manifest is not null)
        {
            var damage = await TarballTransfer.VerifyAsync(entry, manifest, cancellation);
            if (damage is null)
            {
                if (manifest.RecordsImage(inEngine?.Id))
                {
                    Log.Note($"{entry.DisplayName} is already in the engine ({Short(manifest.ImageId)}) and its cache entry is intact: nothing to do");
                    return Result(entry, CacheOutcome.AlreadyInEngine, manifest, clock);
                }
                damage = await TryLoadAsync(entry, manifest, cancellation);
                if (damage is null)
                {
                    Log.Note($"{entry.DisplayName} loaded from cache ({TarballTransfer.Megabytes(manifest.Size)} in {clock.Elapsed.TotalSeconds:0.0} s)");
                    return Result(entry, CacheOutcome.LoadedFromCache, manifest, clock);
                }
                // The engine's copy may be the very image that failed to load: the registry decides.
                inEngine = null;
            }
            // Only the image the entry recorded may be saved again in place of the damaged file; any other is pulled.
            else if (!manifest.RecordsImage(inEngine?.Id)) inEngine = null;

            repair = $"{entry.PathOf(manifest.Tarball)}: {damage}";
            Log.Warn($"{entry.DisplayName}: the cached tarball is damaged ({damage}); deleting it and " +
                     (inEngine is null ? "pulling the image again" : "saving the engine's copy again"));
            AtomicFile.DeleteQuietly(entry.ManifestPath);
            AtomicFile.DeleteQuietly(entry.PathOf(manifest.Tarball));
        }

        var outcome = CacheOutcome.SavedFromEngine;
        if (inEngine is null)
        {
            await docker.Images.PullAsync(entry.Reference, credentialsFor(ImageReference.Parse(entry.Reference)), cancellation);
            inEngine = await docker.Images.InspectAsync(entry.Reference, cancellation) ?? throw new PipelineException(
                $"{entry.Reference} was pulled but the engine does not list it",
                "Check the engine (docker images); another process may have removed it meanwhile.");
            outcome = CacheOutcome.PulledAndSaved;
        }
        var saved = await _transfer.SaveAsync(entry, inEngine.Id, cancellation);
        Log.Note(outcome == CacheOutcome.PulledAndSaved
            ? $"{entry.DisplayName} pulled and cached ({TarballTransfer.Megabytes(saved.Size)} in {clock.Elapsed.TotalSeconds:0.0} s)"
            : $"{entry.DisplayName} was in the engine but not the cache: cached it ({TarballTransfer.Megabytes(saved.Size)} in {clock.Elapsed.TotalSeconds:0.0} s)");
        return Result(entry, outcome, saved, clock) with { Repair = repair };
    }

    /// <summary>Loads the tarball; returns why it did not give the recorded image, or null when it did.</summary>
    private async Task<string?> TryLoadAsync(CacheEntry entry, CacheManifest manifest, CancellationToken cancellation)
    {
        try
        {
            await _transfer.LoadAsync(entry, manifest, cancellation);
        }
        catch (InvalidDataException bad)
        {
            return $"it does not decompress: {bad.Message}";
        }
        catch (PipelineException refused) when (!cancellation.IsCancellationRequested)
        {
            // A dead engine fails the load too, and that is no reason to throw a good tarball away.
            await docker.PingAsync(cancellation);
            return $"the engine refused it: {refused.Message}";
        }
        var loaded = await docker.Images.InspectAsync(entry.Reference, cancellation);
        return manifest.RecordsImage(loaded?.Id)
            ? null
            : $"it loaded {(loaded is null ? "no image by that name" : "image " + Short(loaded.Id))}, the manifest says {Short(manifest.ImageId)}";
    }

    private void EnsureDirectory()
    {
        try
        {
            Directory.CreateDirectory(settings.Directory);
            // Creating a directory that exists proves nothing; a probe file shows the cache can really be written.
            var probe = Path.Combine(settings.Directory, $".probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipelineException(
                $"The image cache directory {settings.Directory} cannot be created or written: {e.Message}",
                "Point --cache-dir / DOCKER_CACHE_DIR at a writable directory, or fix its permissions.", e.Message, e);
        }
    }

    private static CachedImage Result(CacheEntry entry, CacheOutcome outcome, CacheManifest manifest, Stopwatch clock) =>
        new(entry.Reference, outcome, manifest.ImageId, entry.PathOf(manifest.Tarball), manifest.Size, clock.Elapsed);

    private static string Short(string imageId) => imageId.StartsWith("sha256:") ? imageId[..19] : imageId;
}
