using Pipeline.Build;
using Pipeline.Cli;
using Pipeline.Config;

namespace Pipeline.Ci;

/// <summary>GenerateCi: both CI configurations, written from the target graph and the settings.</summary>
public sealed class GenerateCiStage(StageContext context) : IStage
{
    private CiPlan Plan()
    {
        var settings = context.Settings;
        var values = settings.Values;
        // The cache key names the project's pinned images, not the sandbox's stand-ins: CI never uses the sandbox.
        var baseImage = values.Get(PipelineParameters.BaseImage)
            ?? DockerfileArgs.GlobalDefault(File.ReadAllText(Path.Combine(settings.ContextDirectory, settings.Dockerfile)), settings.BaseImageArg);
        return CiPlan.From(
            context.Graph, values.Get(PipelineParameters.StagingBranch)!, values.List(PipelineParameters.MainBranches),
            [.. PipelineSettings.PinnedServiceImages(values), .. baseImage is null ? Array.Empty<string>() : [baseImage]],
            values[PipelineParameters.StagingBranch].Origin, values[PipelineParameters.MainBranches].Origin);
    }

    private string OutputDirectory => context.Settings.Values.Get(PipelineParameters.CiOutput) is { } dir
        ? Path.GetFullPath(dir)
        : context.Settings.RepositoryRoot;

    public IEnumerable<string> Describe()
    {
        yield return $"write {CircleCiConfig.Path} and {GitHubActionsConfig.Path} under {OutputDirectory}";
        foreach (var line in SideBySide(Plan())) yield return line;
    }

    public async Task RunAsync(CancellationToken cancellation)
    {
        var plan = Plan();
        await WriteAsync(CircleCiConfig.Path, CircleCiConfig.Render(plan), cancellation);
        await WriteAsync(GitHubActionsConfig.Path, GitHubActionsConfig.Render(plan), cancellation);
        foreach (var line in SideBySide(plan)) Log.Note(line);
    }

    private async Task WriteAsync(string relative, string text, CancellationToken cancellation)
    {
        var path = Path.Combine(OutputDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text, cancellation);
        File.Move(temp, path, overwrite: true);
        Log.Note($"wrote {path}");
    }

    /// <summary>
    /// Each job's build.sh call as it stands in each rendered file (not in the plan), so the table shows what the
    /// two CIs will really run.
    /// </summary>
    private static IEnumerable<string> SideBySide(CiPlan plan)
    {
        var circle = Calls(CircleCiConfig.Render(plan), "command: ");
        var github = Calls(GitHubActionsConfig.Render(plan), "- run: ");
        var width = Math.Max(circle.Max(c => c.Length), "CircleCI".Length) + 2;
        yield return $"{"job",-18} {"CircleCI".PadRight(width)} GitHub Actions";
        for (var i = 0; i < plan.Jobs.Count; i++)
            yield return $"{plan.Jobs[i].Name,-18} {circle.ElementAtOrDefault(i)?.PadRight(width)} {github.ElementAtOrDefault(i)}";
    }

    private static IReadOnlyList<string> Calls(string yaml, string prefix) =>
        yaml.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(prefix + "./build.sh", StringComparison.Ordinal))
            .Select(l => l[prefix.Length..]).ToList();
}
