using System.Diagnostics;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// build.sh lets runs started together take turns at the library build and the Cake script compile. macOS has no
/// flock, so these runs get a PATH without it, as there.
/// </summary>
[Collection(BuildScriptCollection.Name)]
public sealed class BootstrapLockTests
{
    [Fact]
    public async Task Without_flock_runs_started_together_build_a_stale_library_once()
    {
        // In the repository itself: a copy elsewhere would recompile the library (its generated files name the
        // project's directory), while here a backdated assembly only makes the build copy it out again.
        var (exitCode, output) = await BuildScript.RunAsync(["--help"]);
        Assert.True(exitCode == 0, output);
        var assembly = Path.Combine(BuildScript.RepositoryRoot, "build", "Pipeline", "bin", "cake", "Pipeline.dll");
        File.SetLastWriteTimeUtc(assembly, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var bin = Directory.CreateTempSubdirectory("pipeline-path-without-flock-");
        try
        {
            var environment = WithoutFlock(bin.FullName).ToDictionary(e => e.Key, e => e.Value!);

            var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => BuildScript.RunAsync(["--help"], environment)));

            var outputs = string.Join("\n----\n", runs.Select(r => r.Output));
            Assert.True(BootstrapCopy.Builds(runs.Select(r => r.Output)) == 1, outputs);
            Assert.All(runs, run => Assert.True(run.ExitCode == 0, outputs));
            Assert.All(runs, run => Assert.Contains("build.sh: lock: mkdir build/Pipeline/obj/build.sh.lock.d", run.Output));
            Assert.False(Directory.Exists(Path.Combine(BuildScript.RepositoryRoot, "build", "Pipeline", "obj", "build.sh.lock.d")),
                "the lock is released");
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_lock_left_by_a_run_that_died_is_taken_over()
    {
        using var copy = await BootstrapCopy.CreateAsync("repo");
        using var ended = Process.Start("true")!;
        await ended.WaitForExitAsync(TestContext.Current.CancellationToken);
        Hold(copy, ended.Id);

        var (exitCode, output) = await copy.RunAsync("build.sh", ["--help"], WithoutFlock(copy));

        Assert.True(exitCode == 0, output);
        Assert.Contains($"removed the lock of pid {ended.Id}, which is no longer running", output);
        Assert.False(Directory.Exists(LockDirectory(copy)), "the lock is released");
    }

    [Fact]
    public async Task A_lock_held_by_a_live_run_is_waited_for_a_bounded_time_then_named()
    {
        using var copy = await BootstrapCopy.CreateAsync("repo");
        Hold(copy, Environment.ProcessId);
        var environment = WithoutFlock(copy);
        environment["PIPELINE_BOOTSTRAP_LOCK_WAIT"] = "1";

        var (exitCode, output) = await copy.RunAsync("build.sh", ["--help"], environment);

        Assert.True(exitCode != 0, output);
        Assert.Contains($"waiting for the run with pid {Environment.ProcessId}", output);
        Assert.Contains($"If that run is gone, remove {LockDirectory(copy)}", output);
        Assert.DoesNotContain("Usage:", output);
        Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(Path.Combine(LockDirectory(copy), "pid")).Trim());
    }

    private static string LockDirectory(BootstrapCopy copy) => Path.Combine(copy.Root, "build", "Pipeline", "obj", "build.sh.lock.d");

    private static Dictionary<string, string?> WithoutFlock(BootstrapCopy copy) =>
        WithoutFlock(Directory.CreateDirectory(Path.Combine(copy.Base, "path without flock")).FullName);

    private static void Hold(BootstrapCopy copy, int pid)
    {
        Directory.CreateDirectory(LockDirectory(copy));
        File.WriteAllText(Path.Combine(LockDirectory(copy), "pid"), pid + "\n");
    }

    /// <summary>A PATH of one directory, <paramref name="bin"/>, linking every program of the current PATH but flock.</summary>
    private static Dictionary<string, string?> WithoutFlock(string bin)
    {
        var linked = new HashSet<string> { "flock" };
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Where(Directory.Exists))
            foreach (var program in Directory.EnumerateFiles(directory))
                if (linked.Add(Path.GetFileName(program))) // the first on PATH wins, as in a lookup
                    File.CreateSymbolicLink(Path.Combine(bin, Path.GetFileName(program)), program);
        return new Dictionary<string, string?> { ["PATH"] = bin, ["PIPELINE_BOOTSTRAP_TRACE"] = "1" };
    }
}
