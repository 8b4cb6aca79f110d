using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.CiRehearsal;

/// <summary>
/// What outlives one job in a CI service: the repository a job checks out (this working tree, committed as one
/// new commit, so the rehearsal has a sha of its own), and the stores behind caches, artifacts and workspaces.
/// Each job gets a machine of its own: a fresh HOME and a fresh checkout, owned by the runner account.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RehearsalSite : IAsyncDisposable
{
    private readonly string _root;
    private int _jobs;

    private RehearsalSite(string root, string origin, string sha)
    {
        _root = root;
        Origin = origin;
        Sha = sha;
    }

    /// <summary>The repository jobs clone, holding this working tree as its HEAD commit.</summary>
    public string Origin { get; }

    public string Sha { get; }

    public Dictionary<string, string> Caches { get; } = [];

    /// <summary>
    /// The ~/docker a test job saved, under its key, shared by the rehearsals of both services: the directory holds
    /// the same pinned images either way, and a CI's image cache is warm on all but its first run. Saving it costs
    /// the one rehearsal that runs first; the other starts warm, as most CI runs do.
    /// </summary>
    public static Dictionary<string, string> SharedImageCaches { get; } = [];

    public const string ImageCachePrefix = "docker-images-";

    public Dictionary<string, string> Artifacts { get; } = [];

    public string? Workspace { get; set; }

    public static async Task<RehearsalSite> CreateAsync()
    {
        await RunnerAccount.EnsureAsync();
        var root = Directory.CreateTempSubdirectory("ci-rehearsal-").FullName;
        File.SetUnixFileMode(root, (UnixFileMode)0b111_101_101);
        var origin = Path.Combine(root, "origin.git");
        var source = BuildScript.RepositoryRoot;
        await RunnerAccount.RootCheckedAsync("git", ["clone", "-q", "--no-hardlinks", source, origin]);
        // The working tree as it is (edited and new files included, ignored ones not), as one commit on top.
        var files = (await RunnerAccount.RootCheckedAsync("git", ["-C", source, "ls-files", "-co", "--exclude-standard", "-z"]))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files)
        {
            var from = Path.Combine(source, file);
            var to = Path.Combine(origin, file);
            if (!File.Exists(from)) { File.Delete(to); continue; }
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to, overwrite: true);
            File.SetUnixFileMode(to, File.GetUnixFileMode(from));
        }
        foreach (var gone in (await RunnerAccount.RootCheckedAsync("git", ["-C", source, "ls-files", "-d", "-z"])).Split('\0', StringSplitOptions.RemoveEmptyEntries))
            File.Delete(Path.Combine(origin, gone));
        await RunnerAccount.RootCheckedAsync("git", ["-C", origin, "add", "-A"]);
        await RunnerAccount.RootCheckedAsync("git",
            ["-C", origin, "-c", "user.name=rehearsal", "-c", "user.email=rehearsal@localhost", "commit", "-q", "--allow-empty", "-m", "CI runner rehearsal"]);
        var sha = (await RunnerAccount.RootCheckedAsync("git", ["-C", origin, "rev-parse", "HEAD"])).Trim();
        // The runner owns it, so its git does not refuse a repository of another user.
        await RunnerAccount.OwnAsync(origin);
        return new RehearsalSite(root, origin, sha);
    }

    /// <summary>A fresh machine for one job: HOME and a temp dir, owned by the runner, and the checkout.</summary>
    public async Task<JobMachine> NewMachineAsync(string job)
    {
        var dir = Path.Combine(_root, $"{Interlocked.Increment(ref _jobs):00}-{job}");
        var machine = new JobMachine(Path.Combine(dir, "home"), Path.Combine(dir, "home", "project"), Path.Combine(dir, "tmp"));
        Directory.CreateDirectory(machine.Home);
        Directory.CreateDirectory(machine.Temp);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        await RunnerAccount.OwnAsync(dir);
        // A fresh machine has no tested-image directory: the hand-off must bring it.
        await RunnerAccount.RootAsync("rm", ["-rf", Pipeline.Ci.CiPlan.ArchiveDirectory]);
        return machine;
    }

    /// <summary>Copies a directory (or file) as it is, then gives the copy to the runner.</summary>
    public static async Task CopyAsync(string from, string to)
    {
        // Parent directories made here (~/.nuget for ~/.nuget/packages) belong to the runner too.
        var parent = Path.GetDirectoryName(to.TrimEnd('/'))!;
        var missing = new List<string>();
        for (var dir = parent; !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!) missing.Add(dir);
        Directory.CreateDirectory(parent);
        foreach (var made in missing) await RunnerAccount.RootCheckedAsync("chown", [$"{RunnerAccount.Name}:{RunnerAccount.Name}", made]);
        await RunnerAccount.RootCheckedAsync("rm", ["-rf", to]);
        await RunnerAccount.RootCheckedAsync("cp", ["-a", from, to]);
        await RunnerAccount.OwnAsync(to);
    }

    public string NewStorePath(string kind) => Path.Combine(_root, "stores", kind, Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        // A shared image cache outlives the site that saved it, until the test process ends.
        foreach (var (key, store) in SharedImageCaches.Where(c => c.Value.StartsWith(_root, StringComparison.Ordinal)).ToList())
        {
            var kept = Path.Combine(SharedDirectory, Guid.NewGuid().ToString("N"));
            Directory.Move(store, kept);
            SharedImageCaches[key] = kept;
        }
        await RunnerAccount.RootAsync("rm", ["-rf", _root, Pipeline.Ci.CiPlan.ArchiveDirectory]);
    }

    private static readonly Lazy<string> Shared = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("ci-rehearsal-shared-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        return dir;
    });

    private static string SharedDirectory => Shared.Value;
}

/// <summary>One job's machine: its HOME, where the checkout goes, and its temp dir.</summary>
public sealed record JobMachine(string Home, string Workspace, string Temp);
