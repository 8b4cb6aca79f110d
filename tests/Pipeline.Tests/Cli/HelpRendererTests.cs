using Pipeline.Cli;
using Pipeline.Config;

namespace Pipeline.Tests.Cli;

public class HelpRendererTests
{
    private static readonly TargetGraph Graph = new(
        [
            new TargetInfo("Restore", "Pull images", []),
            new TargetInfo("DockerBuild", "Build images", ["Restore"]),
            new TargetInfo("StartDeps", "Start the services", ["Restore"]),
            new TargetInfo("Test", "Run the tests", ["DockerBuild", "StartDeps"]),
            new TargetInfo("Rollback", "Go back", []),
        ],
        "DockerBuild");

    private static readonly string Help = HelpRenderer.Render(Graph, PipelineParameters.All);

    [Fact]
    public void Every_target_is_listed_with_its_description_and_its_dependencies()
    {
        var lines = Help.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        foreach (var target in Graph.Targets)
        {
            var at = lines.FindIndex(l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^  {target.Name}(?: \(default\))?(?: |$)"));
            Assert.True(at >= 0, $"no line for {target.Name} in:\n{Help}");
            var line = lines[at];
            if (target.Dependencies.Count == 0)
            {
                Assert.Matches($@"^  {target.Name}(?: \(default\))? +{target.Description}$", line);
            }
            else
            {
                Assert.Matches($@"^  {target.Name}(?: \(default\))? +-> {string.Join(", ", target.Dependencies)}$", line);
                Assert.Matches($@"^ +{target.Description}$", lines[at + 1]);
            }
        }
        Assert.Equal(Graph.Targets.Count, lines.Count(l => Graph.Targets.Any(t => l.StartsWith("  " + t.Name + " ", StringComparison.Ordinal))));
    }

    [Fact]
    public void The_default_target_is_marked_and_its_dependencies_shown()
    {
        // The target's own line: parameter descriptions may mention the target too.
        var line = Help.Split('\n').Single(l => l.TrimStart().StartsWith("DockerBuild"));
        Assert.Contains("DockerBuild (default)", line);
        Assert.Contains("-> Restore", line);
    }

    [Fact]
    public void Every_parameter_is_listed_with_its_environment_variable()
    {
        foreach (var parameter in PipelineParameters.All)
            Assert.Matches($@"(?m)^  {parameter.CliName}\s+{parameter.EnvVar}\s", Help);
    }

    [Fact]
    public void Secrets_are_marked_and_defaults_shown()
    {
        Assert.Matches(@"--registry-password\s+REGISTRY_PASSWORD\s.*\[secret: environment only\]", Help);
        Assert.Contains("default: main,master", Help);
        Assert.Contains("default: the checkout directory's name, lowercased", Help);
        Assert.Contains("one of: staging | production", Help);
    }
}
