using Pipeline.Cli;

namespace Pipeline.Cache;

/// <summary>
/// An exclusive lock on one cache entry, across threads and processes. .NET takes an advisory flock for
/// FileShare.None on Unix, which the kernel drops when the holder dies, so a crashed pipeline never leaves it stuck.
/// </summary>
/// <remarks>
/// Temp names and renames already keep every file whole; the lock is what keeps the *pair* consistent. Without it,
/// two pipelines saving the same image could interleave "rename tarball" and "rename manifest" and leave one's
/// manifest beside the other's tarball, which the next run would take for damage. It also spares the second
/// pipeline the pull and save: it waits, then finds the entry the first one wrote.
/// </remarks>
public sealed class CacheEntryLock : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly FileStream _handle;

    private CacheEntryLock(FileStream handle) => _handle = handle;

    public static async Task<CacheEntryLock> AcquireAsync(
        CacheEntry entry, TimeSpan timeout, CancellationToken cancellation)
    {
        var waitingSince = DateTime.UtcNow;
        var said = false;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var handle = TryAcquire(entry.LockPath);
            if (handle is not null) return new CacheEntryLock(handle);
            if (!said)
            {
                Log.Note($"{entry.DisplayName}: another pipeline is using its cache entry; waiting for it ({entry.LockPath})");
                said = true;
            }
            if (DateTime.UtcNow - waitingSince > timeout)
                throw new PipelineException(
                    $"The cache entry of {entry.Reference} stayed locked for {timeout.TotalMinutes:0} min ({entry.LockPath})",
                    "Another pipeline on this machine is still saving or loading it; wait for it to finish, or stop it.");
            await Task.Delay(PollInterval, cancellation);
        }
    }

    /// <summary>The lock when it is free right now, else null.</summary>
    public static FileStream? TryAcquire(string lockPath)
    {
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void Dispose() => _handle.Dispose();
}
