using System.Diagnostics;
using System.Text;

namespace Pipeline.Tests.EndToEnd;

/// <summary>Runs ./build.sh as a user would, capturing everything it prints.</summary>
public static class BuildScript
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static async Task<(int ExitCode, string Output)> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot, "build.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
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

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"./build.sh {string.Join(' ', arguments)} did not finish. Output:\n{output}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.ToString());
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
