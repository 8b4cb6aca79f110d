namespace Pipeline.Cache;

/// <summary>
/// Files that appear whole or not at all: written under a unique temporary name in the same directory, flushed to
/// disk, then renamed into place. A crash or a Ctrl-C leaves at most a hidden temp file, which prune removes later.
/// </summary>
public static class AtomicFile
{
    /// <summary>Opens a fresh temp file for writing; the caller either commits it with <see cref="Commit"/> or deletes it.</summary>
    public static FileStream CreateTemp(string tempPath) =>
        new(tempPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 1 << 20,
        });

    /// <summary>
    /// Flushes the file to disk before the rename: otherwise a power loss can leave the new name pointing at a file
    /// whose data never reached the disk (ext4's delayed allocation).
    /// </summary>
    public static void Commit(FileStream temp, string finalPath)
    {
        temp.Flush(flushToDisk: true);
        var tempPath = temp.Name;
        temp.Dispose();
        File.Move(tempPath, finalPath, overwrite: true);
    }

    public static async Task WriteAllTextAsync(string tempPath, string finalPath, string text, CancellationToken cancellation)
    {
        var temp = CreateTemp(tempPath);
        try
        {
            await using (var writer = new StreamWriter(temp, leaveOpen: true)) await writer.WriteAsync(text.AsMemory(), cancellation);
            Commit(temp, finalPath);
        }
        catch
        {
            await temp.DisposeAsync();
            DeleteQuietly(tempPath);
            throw;
        }
    }

    /// <summary>Deletes a file if it is there; a file already gone is fine (another pipeline may have pruned it).</summary>
    public static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
