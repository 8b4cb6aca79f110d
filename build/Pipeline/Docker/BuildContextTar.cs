using System.Formats.Tar;

namespace Pipeline.Docker;

/// <summary>
/// The build context as a tar, written straight onto a stream (the request body) so a large context is never held
/// in memory. The same source tree always gives the same bytes: entries in walk order with names sorted, owner
/// 0:0, and one fixed mtime, while file modes (executable bits) and symlinks are kept as they are.
/// </summary>
public sealed class BuildContextTar
{
    /// <summary>Every entry's mtime. Real mtimes differ between checkouts and would make identical sources differ.</summary>
    public static readonly DateTimeOffset FixedModificationTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly DockerIgnore _ignore;

    public BuildContextTar(string contextDirectory, string dockerfile, DockerIgnore ignore)
    {
        ContextDirectory = Path.GetFullPath(contextDirectory);
        Dockerfile = DockerIgnorePattern.CleanPath(dockerfile.Replace('\\', '/'));
        _ignore = ignore.KeepingBuildFiles(Dockerfile);
    }

    public string ContextDirectory { get; }

    /// <summary>The Dockerfile's path inside the context, slash-separated.</summary>
    public string Dockerfile { get; }

    public static async Task<BuildContextTar> CreateAsync(
        string contextDirectory, string dockerfile, CancellationToken cancellation)
    {
        if (!Directory.Exists(contextDirectory))
        {
            throw new PipelineException($"Build context {contextDirectory} does not exist",
                "Pass the directory that holds the sources the Dockerfile copies.");
        }
        var ignore = await DockerIgnore.LoadAsync(contextDirectory, cancellation);
        var tar = new BuildContextTar(contextDirectory, dockerfile, ignore);
        if (tar.Dockerfile.StartsWith('/') || tar.Dockerfile == ".." || tar.Dockerfile.StartsWith("../"))
        {
            throw new PipelineException($"Dockerfile {dockerfile} is outside the build context {tar.ContextDirectory}",
                "Give the Dockerfile path relative to the context directory, inside it (e.g. docker/Dockerfile).");
        }
        if (!File.Exists(Path.Combine(tar.ContextDirectory, tar.Dockerfile)))
        {
            throw new PipelineException($"Dockerfile {tar.Dockerfile} not found in the build context {tar.ContextDirectory}",
                "The Dockerfile path is relative to the context directory (e.g. docker/Dockerfile).");
        }
        return tar;
    }

    /// <summary>The entry names the tar will hold, in order (directories end without a slash).</summary>
    public IEnumerable<string> EntryNames() => Walk(ContextDirectory, "").Select(entry => entry.Name);

    public async Task WriteAsync(Stream destination, CancellationToken cancellation)
    {
        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var (name, info) in Walk(ContextDirectory, ""))
        {
            cancellation.ThrowIfCancellationRequested();
            var entry = CreateEntry(name, info);
            if (entry.EntryType == TarEntryType.RegularFile)
            {
                await using var content = OpenForReading(name, info);
                entry.DataStream = content;
                await writer.WriteEntryAsync(entry, cancellation);
            }
            else
            {
                await writer.WriteEntryAsync(entry, cancellation);
            }
        }
    }

    private static FileStream OpenForReading(string name, FileSystemInfo info)
    {
        try
        {
            return new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        }
        catch (Exception failure) when (failure is UnauthorizedAccessException or IOException)
        {
            throw new PipelineException($"Cannot read {name} in the build context",
                "Fix its permissions, or list it in .dockerignore if the image does not need it.", failure.Message, failure);
        }
    }

    private static PaxTarEntry CreateEntry(string name, FileSystemInfo info)
    {
        var type = info switch
        {
            _ when info.LinkTarget is not null => TarEntryType.SymbolicLink,
            DirectoryInfo => TarEntryType.Directory,
            _ => TarEntryType.RegularFile,
        };
        var entryName = type == TarEntryType.Directory ? name + "/" : name;
        // Only mtime goes into the extended header: the PAX writer would otherwise stamp atime/ctime with "now".
        var attributes = new Dictionary<string, string> { ["mtime"] = FixedModificationTime.ToUnixTimeSeconds().ToString() };
        var entry = new PaxTarEntry(type, entryName, attributes)
        {
            ModificationTime = FixedModificationTime,
            Uid = 0,
            Gid = 0,
            UserName = "",
            GroupName = "",
            Mode = OperatingSystem.IsWindows() ? DefaultMode(type) : info.UnixFileMode,
        };
        if (type == TarEntryType.SymbolicLink) entry.LinkName = info.LinkTarget!;
        return entry;
    }

    // Windows has no modes; Docker's CLI sends 0755 there so scripts stay runnable in the image.
    private static UnixFileMode DefaultMode(TarEntryType type) => (UnixFileMode)Convert.ToInt32("755", 8);

    private IEnumerable<(string Name, FileSystemInfo Info)> Walk(string directory, string prefix)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos()
            .OrderBy(entry => entry.Name, StringComparer.Ordinal);
        foreach (var info in entries)
        {
            var name = prefix + info.Name;
            var isDirectory = info is DirectoryInfo && info.LinkTarget is null;
            var excluded = _ignore.IsExcluded(name);
            if (!excluded) yield return (name, info);
            if (!isDirectory || (excluded && !_ignore.MayIncludeBelow(name))) continue;
            foreach (var child in Walk(info.FullName, name + "/")) yield return child;
        }
    }
}
