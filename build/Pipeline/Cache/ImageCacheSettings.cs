using Pipeline.Config;

namespace Pipeline.Cache;

/// <summary>The tarball cache's settings: where it lives, how tarballs are compressed, and which further images it keeps.</summary>
public sealed record ImageCacheSettings(string Directory, TarballCompression Compression, IReadOnlyList<string> ExtraImages)
{
    /// <summary>How long a pipeline waits for another one holding an entry's lock (a 500 MB pull and save takes about a minute).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Temp files older than this are from a pipeline that died mid-write, never from one still writing.</summary>
    public TimeSpan StaleTempAge { get; init; } = TimeSpan.FromHours(1);

    public static ImageCacheSettings From(ParameterValues values, Func<string, string> expandHome)
    {
        var compression = values[PipelineParameters.CacheCompression];
        return new ImageCacheSettings(
            expandHome(values.Get(PipelineParameters.CacheDir)!),
            TarballCompression.Parse(compression.Value ?? TarballCompression.DefaultName, compression.Origin),
            values.List(PipelineParameters.CacheImages));
    }
}
