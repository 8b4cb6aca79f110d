using System.Diagnostics;

namespace Pipeline.Tests.EndToEnd;

/// <summary>Runs ./build.sh as a user would, capturing everything it prints.</summary>
public static class BuildScript
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static Task<(int ExitCode, string Output)> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        ScriptProcess.RunAsync(Path.Combine(RepositoryRoot, "build.sh"), arguments, RepositoryRoot,
            SuiteEnvironment(environment?.ToDictionary(e => e.Key, e => (string?)e.Value) ?? []), timeout ?? TimeSpan.FromMinutes(10));

    /// <summary>
    /// A CI job's own variables must not steer the runs under test: the suite runs them as on a developer's
    /// machine, and asks for the sandbox explicitly (CI runs leave it off by default), unless a test names a
    /// registry or a sandbox choice of its own. A null value removes a variable.
    /// </summary>
    public static Dictionary<string, string?> SuiteEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        var result = new Dictionary<string, string?>();
        foreach (var name in new[]
                 {
                     "CIRCLE_SHA1", "CIRCLE_BRANCH", "GITHUB_SHA", "GITHUB_REF_NAME", "GITHUB_HEAD_REF", "AWS_ECR_URL",
                     "CI", "GITHUB_ACTIONS", "CIRCLECI", "GITHUB_STEP_SUMMARY", "PIPELINE_SANDBOX",
                 })
            result[name] = null;
        if (!environment.ContainsKey("AWS_ECR_URL") && !environment.ContainsKey("PIPELINE_SANDBOX"))
            result["PIPELINE_SANDBOX"] = "on";
        foreach (var (name, value) in environment) result[name] = value;
        return result;
    }

    /// <summary>Starts ./build.sh as a user would and returns it running, for tests that act while it runs.</summary>
    public static RunningBuild Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, "build.sh")) { WorkingDirectory = RepositoryRoot };
        foreach (var (name, value) in SuiteEnvironment(environment?.ToDictionary(e => e.Key, e => (string?)e.Value) ?? []))
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
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
