namespace Pipeline.Cache;

/// <summary>What the cache did for one image.</summary>
public enum CacheOutcome
{
    /// <summary>The engine had the image the cache entry records: nothing moved.</summary>
    AlreadyInEngine,

    /// <summary>Loaded into the engine from the cached tarball.</summary>
    LoadedFromCache,

    /// <summary>The engine had the image but the cache did not: saved without asking the registry.</summary>
    SavedFromEngine,

    /// <summary>Pulled from the registry, then saved.</summary>
    PulledAndSaved,
}

/// <summary>One image's result. Repair names the damaged entry that was thrown away on the way, if any.</summary>
public sealed record CachedImage(
    string Reference,
    CacheOutcome Outcome,
    string ImageId,
    string TarballPath,
    long TarballBytes,
    TimeSpan Duration,
    string? Repair = null);
