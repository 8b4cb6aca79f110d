using System.IO.Compression;

namespace Pipeline.Cache;

public enum TarballCodec
{
    None,
    Gzip,
    Brotli,
}

/// <summary>
/// How a cached tarball is compressed. The pipeline decompresses on its own side and streams a plain tar into the
/// engine, so any codec .NET has works, not only the gzip/bzip2/xz that `docker load` understands.
/// </summary>
public sealed record TarballCompression(TarballCodec Codec, int Level)
{
    // The default, from measurements on the sandbox's images (raw `docker save`: mariadb 508 MB + redis 219 MB).
    // Codecs alone, one core, in memory:
    //   codec       mariadb bytes   redis bytes    compress (mariadb)   decompress (mariadb)
    //   gzip:1      237 MB 0.47x    115 MB 0.52x   163 MB/s             0.9 s
    //   gzip:6      192 MB 0.38x     92 MB 0.42x    77 MB/s             0.8 s
    //   brotli:1    204 MB 0.40x     99 MB 0.45x   293 MB/s             1.4 s
    //   brotli:2    171 MB 0.34x     83 MB 0.38x   202 MB/s             1.1 s
    //   brotli:4    166 MB 0.33x     79 MB 0.36x   107 MB/s             1.3 s
    // The whole cache (bench/cache-codecs.sh: both images saved at once from the engine, loaded into an engine without
    // them), on 2 cores shared with other work (load average 8-28, so seconds are only comparable within a row set):
    //   codec       bytes      ratio   save s   load s        raw docker save -o / load -i, one after the other:
    //   none        727 MB     1.00    10.5     17.6          727 MB, save 9.9 s, load 12.0 s   (runs of none, gzip:1)
    //   gzip:1      352 MB     0.48    21.0     19.5
    //   brotli:1    294 MB     0.40    26.0     22.6          727 MB, save 10.6 s, load 15.1 s  (runs of brotli:*)
    //   brotli:2    254 MB     0.35    26.9     18.6
    //   brotli:4    245 MB     0.34    46.1     13.3
    // brotli:2: in the same runs it saved as fast as brotli:1 (26.9 against 26.0 s) with 13% fewer bytes, while
    // brotli:4 took 1.7x as long for 4% fewer; gzip never gets near its size. One core of it (202 MB/s) outruns the
    // engine's own save (~110 MB/s), so when the machine is not oversubscribed it hides behind the save (TarballPipe
    // runs both at once). bench/cache.sh measures bytes and save time against a raw `docker save` (P3).
    public const string DefaultName = "brotli:2";

    public static TarballCompression Default { get; } = Parse(DefaultName, DefaultName);

    public static TarballCompression None { get; } = new(TarballCodec.None, 0);

    /// <summary>
    /// Parses "none", "gzip", "brotli", or a codec with a level ("gzip:1", "brotli:5"). A bare gzip is zlib's own
    /// default level 6, as the gzip tool; a bare brotli is level 2, the measured sweet spot.
    /// </summary>
    public static TarballCompression Parse(string text, string origin)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':', 2);
        var (codec, level, max) = parts[0] switch
        {
            "none" or "tar" => (TarballCodec.None, 0, 0),
            "gzip" or "gz" => (TarballCodec.Gzip, 6, 9),
            "brotli" or "br" => (TarballCodec.Brotli, 2, 11),
            _ => throw Invalid(text, origin),
        };
        if (parts.Length == 2)
        {
            if (codec == TarballCodec.None || !int.TryParse(parts[1], out level) || level < 0 || level > max)
                throw Invalid(text, origin);
        }
        return new TarballCompression(codec, level);
    }

    /// <summary>The tarball's suffix, so a person (or `docker load`, for .tar and .tar.gz) can tell what it is.</summary>
    public string FileExtension => Codec switch
    {
        TarballCodec.Gzip => ".tar.gz",
        TarballCodec.Brotli => ".tar.br",
        _ => ".tar",
    };

    /// <summary>
    /// A stream that compresses into destination. Disposing it ends the compressed data and leaves destination open;
    /// for none it is destination itself, so pass a stream whose disposal is harmless (a <see cref="TarballHashStream"/>).
    /// </summary>
    public Stream Compress(Stream destination) => Codec switch
    {
        TarballCodec.Gzip => new GZipStream(destination, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true),
        TarballCodec.Brotli => new BrotliStream(destination, new BrotliCompressionOptions { Quality = Level }, leaveOpen: true),
        _ => destination,
    };

    /// <summary>
    /// A stream of the plain tar, leaving source open (for none it is source itself). Damaged data throws
    /// InvalidDataException while reading; cut-off data may just end early, which the manifest's size and sha256 catch
    /// before any byte is read, and the engine's load as a short tar.
    /// </summary>
    public Stream Decompress(Stream source) => Codec switch
    {
        TarballCodec.Gzip => new GZipStream(source, CompressionMode.Decompress, leaveOpen: true),
        TarballCodec.Brotli => new BrotliStream(source, CompressionMode.Decompress, leaveOpen: true),
        _ => source,
    };

    public override string ToString() => Codec switch
    {
        TarballCodec.Gzip => $"gzip:{Level}",
        TarballCodec.Brotli => $"brotli:{Level}",
        _ => "none",
    };

    private static PipelineException Invalid(string text, string origin) => new(
        $"{origin}={text} is not a tarball compression",
        "Use none, gzip or brotli, optionally with a level: gzip:0-9, brotli:0-11 (--cache-compression / IMAGE_CACHE_COMPRESSION).");
}
