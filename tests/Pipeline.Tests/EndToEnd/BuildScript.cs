using System.Diagnostics;

namespace Pipeline.Tests.EndToEnd;

/// <summary>Runs ./build.sh as a user would, capturing everything it prints.</summary>
public static class BuildScript
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static async Task<(int ExitCode, string Output)> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var list = arguments.ToList();
        using var run = Start(list, environment);
        try
        {
            return await run.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(10));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"./build.sh {string.Join(' ', list)} did not finish. Output:\n{run.Output}");
        }
    }

    /// <summary>Starts ./build.sh as a user would and returns it running, for tests that act while it runs.</summary>
    public static RunningBuild Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, "build.sh")) { WorkingDirectory = RepositoryRoot };
        // A CI job's own variables must not steer the runs under test: the suite runs them as on a developer's
        // machine, and asks for the sandbox explicitly (CI runs leave it off by default), unless a test names a
        // registry or a sandbox choice of its own.
        foreach (var name in new[]
                 {
                     "CIRCLE_SHA1", "CIRCLE_BRANCH", "GITHUB_SHA", "GITHUB_REF_NAME", "GITHUB_HEAD_REF", "AWS_ECR_URL",
                     "CI", "GITHUB_ACTIONS", "CIRCLECI", "GITHUB_STEP_SUMMARY", "PIPELINE_SANDBOX",
                 })
            start.Environment.Remove(name);
        environment ??= new Dictionary<string, string>();
        if (!environment.ContainsKey("AWS_ECR_URL") && !environment.ContainsKey("PIPELINE_SANDBOX"))
            start.Environment["PIPELINE_SANDBOX"] = "on";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return RunningBuild.Start(arguments, start);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "build.sh")) && File.Exists(Path.Combine(dir.FullName, "Build.sln")))
                return dir.FullName;
        throw new InvalidOperationException("The repository root (with build.sh) is not above the test assembly.");
    }
}

/// <summary>
/// build.sh rebuilds the library when it is stale; runs that overlap would rebuild it at the same time, so every
/// test that calls build.sh is in this one collection, which runs its tests one after another.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BuildScriptCollection
{
    public const string Name = "build-script";
}
