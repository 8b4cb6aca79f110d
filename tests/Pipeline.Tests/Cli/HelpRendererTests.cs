using Pipeline.Cli;
using Pipeline.Config;

namespace Pipeline.Tests.Cli;

public class HelpRendererTests
{
    private static readonly TargetGraph Graph = new(
        [
            new TargetInfo("Restore", "Pull images", []),
            new TargetInfo("DockerBuild", "Build images", ["Restore"]),
        ],
        "DockerBuild");

    private static readonly string Help = HelpRenderer.Render(Graph, PipelineParameters.All);

    [Fact]
    public void Every_target_is_listed_with_its_description() =>
        Assert.Contains("Pull images", Help);

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
