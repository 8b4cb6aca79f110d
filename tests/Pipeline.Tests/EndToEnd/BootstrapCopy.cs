namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The bootstrap of the repository (build.sh, build.ps1, global.json, .config/, build/) copied to a directory the
/// test names, for tests of paths and runs the real checkout must not see. Timestamps are kept, so the library the
/// repository's build.sh just built is fresh in the copy and a run there builds nothing unless a test asks.
/// </summary>
public sealed class BootstrapCopy : IDisposable
{
    private BootstrapCopy(string @base, string root) => (Base, Root) = (@base, root);

    /// <summary>The temporary directory holding the copy (its name has a space), deleted at the end.</summary>
    public string Base { get; }

    /// <summary>Where build.sh sits in the copy.</summary>
    public string Root { get; }

    /// <summary>Where the NuGet packages of the machine are (Cake.Tool and the library's packages).</summary>
    public static string MachinePackages =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Copies into <c>Base/relativeRoot</c>. Callers are in <see cref="BuildScriptCollection"/>.</summary>
    public static async Task<BootstrapCopy> CreateAsync(string relativeRoot)
    {
        // The copy is only as fresh as the repository's library: build.sh there builds it when stale.
        var (exitCode, output) = await BuildScript.RunAsync(["--help"]);
        Assert.True(exitCode == 0, output);

        var @base = Path.Combine(Path.GetTempPath(), "pipeline bootstrap " + Guid.NewGuid().ToString("N")[..8]);
        var root = Path.Combine(@base, relativeRoot);
        Directory.CreateDirectory(root);
        var copy = new BootstrapCopy(@base, root);
        var source = BuildScript.RepositoryRoot;
        var (cpExit, cpOutput) = await ScriptProcess.RunAsync("cp",
            ["-a", .. new[] { "build.sh", "build.ps1", "global.json", ".config", "build" }.Select(f => Path.Combine(source, f)), root],
            source, new Dictionary<string, string?>(), TimeSpan.FromMinutes(1));
        Assert.True(cpExit == 0, cpOutput);
        return copy;
    }

    /// <summary>A library source newer than the built library, as after a pull.</summary>
    public void MakeLibraryStale() => File.SetLastWriteTimeUtc(Path.Combine(Root, "build", "Pipeline", "PipelineHost.cs"), DateTime.UtcNow);

    /// <summary>How many runs' outputs say they built the library.</summary>
    public static int Builds(IEnumerable<string> outputs) =>
        outputs.Sum(o => o.Split('\n').Count(l => l.TrimEnd() == "Building build/Pipeline ..."));

    /// <summary>Runs a program (build.sh of the copy, or pwsh) in the copy with the suite's environment.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        ScriptProcess.RunAsync(Path.Combine(Root, fileName), arguments, Root, BuildScript.SuiteEnvironment(environment ?? new Dictionary<string, string?>()),
            TimeSpan.FromMinutes(2));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Base, recursive: true);
        }
        catch (IOException)
        {
            // A run killed at its timeout may still be writing; the temp directory is left for the OS then.
        }
    }
}
