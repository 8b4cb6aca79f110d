using System.Diagnostics;
using System.Security.Cryptography;
using Pipeline.Cli;
using Pipeline.Docker;

namespace Pipeline.Cache;

/// <summary>
/// Moves one image between the engine and its tarball: a streamed `docker save` through the compressor into a temp
/// file that is renamed into place, and a verified tarball streamed through the decompressor into `docker load`.
/// </summary>
public sealed class TarballTransfer(IImageOperations images, TarballCompression compression)
{
    private const int BufferSize = 1 << 20;

    /// <summary>Saves the image and publishes tarball and manifest; the caller holds the entry's lock.</summary>
    public async Task<CacheManifest> SaveAsync(CacheEntry entry, string imageId, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var tarballName = entry.TarballName(compression);
        var temp = AtomicFile.CreateTemp(entry.NewTempPath());
        long imageBytes = 0;
        try
        {
            string sha256;
            long size;
            using (var hashed = new TarballHashStream(temp))
            {
                await TarballPipe.RunAsync(
                    (pipe, token) => images.SaveAsync([entry.Reference], pipe, token),
                    async (pipe, token) =>
                    {
                        await using (var compressor = compression.Compress(hashed))
                        {
                            var buffer = new byte[BufferSize];
                            int read;
                            while ((read = await pipe.ReadAsync(buffer, token)) > 0)
                            {
                                await compressor.WriteAsync(buffer.AsMemory(0, read), token);
                                imageBytes += read;
                                Log.Progress("cache " + entry.Key,
                                    $"{entry.DisplayName}: {Megabytes(imageBytes)} saved ({Megabytes(hashed.Written)} {compression})");
                            }
                        }
                    },
                    cancellation);
                await hashed.FlushAsync(cancellation);
                sha256 = hashed.Sha256Hex;
                size = hashed.Written;
            }

            // The old manifest goes first: if the run dies between the two renames, the new tarball has no manifest
            // (so it is never trusted and gets replaced) instead of an old manifest describing the new file.
            AtomicFile.DeleteQuietly(entry.ManifestPath);
            AtomicFile.Commit(temp, entry.PathOf(tarballName));
            var manifest = new CacheManifest(entry.Reference, imageId, tarballName, compression.ToString(), sha256, size,
                imageBytes, DateTimeOffset.UtcNow);
            await AtomicFile.WriteAllTextAsync(entry.NewTempPath(), entry.ManifestPath, manifest.ToJson(), cancellation);
            Log.Progress("cache " + entry.Key,
                $"{entry.DisplayName}: saved {Megabytes(imageBytes)} as {Megabytes(size)} {compression} in {clock.Elapsed.TotalSeconds:0.0} s",
                final: true);
            return manifest;
        }
        catch (Exception failure)
        {
            await temp.DisposeAsync();
            AtomicFile.DeleteQuietly(temp.Name);
            if (failure is UnauthorizedAccessException or IOException && !cancellation.IsCancellationRequested)
                throw new PipelineException(
                    $"Cannot write the cache tarball of {entry.Reference} in {entry.Directory}: {failure.Message}",
                    "Free disk space there, or point --cache-dir / DOCKER_CACHE_DIR at a writable directory.",
                    failure.Message, failure);
            throw;
        }
    }

    /// <summary>
    /// Why the entry's tarball cannot be trusted (missing, wrong size, wrong sha256), or null when it matches its
    /// manifest. The whole file is hashed before a byte goes to the engine: SHA-256 runs at over 1 GB/s here, a
    /// fraction of the load, and the engine never sees bytes the manifest does not vouch for.
    /// </summary>
    public static async Task<string?> VerifyAsync(CacheEntry entry, CacheManifest manifest, CancellationToken cancellation)
    {
        var path = entry.PathOf(manifest.Tarball);
        var file = new FileInfo(path);
        if (!file.Exists) return $"{manifest.Tarball} is missing";
        if (file.Length != manifest.Size) return $"{manifest.Tarball} has {file.Length} bytes, the manifest says {manifest.Size}";
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellation));
        return manifest.Describes(entry.Reference, manifest.Tarball, file.Length, sha256)
            ? null
            : $"{manifest.Tarball} has sha256 {sha256[..12]}…, the manifest says {manifest.Sha256[..12]}…";
    }

    /// <summary>Streams a verified tarball into the engine, decompressing it on the way.</summary>
    public async Task LoadAsync(CacheEntry entry, CacheManifest manifest, CancellationToken cancellation)
    {
        var stored = TarballCompression.Parse(manifest.Compression, $"{entry.ManifestPath} \"compression\"");
        await using var file = new FileStream(entry.PathOf(manifest.Tarball), FileMode.Open, FileAccess.Read,
            FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await TarballPipe.RunAsync(
            async (pipe, token) =>
            {
                await using var plain = stored.Decompress(file);
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await plain.ReadAsync(buffer, token)) > 0)
                {
                    await pipe.WriteAsync(buffer.AsMemory(0, read), token);
                    Log.Progress("cache " + entry.Key,
                        $"{entry.DisplayName}: {Megabytes(file.Position)} of {Megabytes(manifest.Size)} loaded");
                }
            },
            (pipe, token) => images.LoadAsync(pipe, token),
            cancellation);
    }

    public static string Megabytes(long bytes) => $"{bytes / 1e6:0.#} MB";
}
