using Pipeline.Ci;
using Pipeline.Cli;

namespace Pipeline.Tests.Ci;

/// <summary>Branch names go into GitHub expressions and CircleCI filters: only plain names get there.</summary>
public sealed class CiBranchTests
{
    private static readonly TargetGraph Graph = new(
        [
            new TargetInfo("Restore", "", []), new TargetInfo("DockerBuild", "", ["Restore"]), new TargetInfo("StartDeps", "", ["Restore"]),
            new TargetInfo("Test", "", ["DockerBuild", "StartDeps"]), new TargetInfo("Push", "", ["Test"]),
            new TargetInfo("DeployStaging", "", ["Push"]), new TargetInfo("DeployProduction", "", ["Push"]),
        ], "Test");

    [Theory]
    [InlineData("develop")]
    [InlineData("release/2.x")]
    [InlineData("feature_1-a.b")]
    public void Plain_branch_names_pass(string branch) => Assert.Equal(branch, CiBranch.Validate(branch, "--staging-branch"));

    [Theory]
    [InlineData("develop' || true || 'x")]
    [InlineData("develop\n")]
    [InlineData("-develop")]
    [InlineData("dev..elop")]
    [InlineData("develop/")]
    [InlineData("develop.lock")]
    [InlineData("${{ github.actor }}")]
    [InlineData("dev elop")]
    [InlineData("")]
    public void Anything_else_is_refused_naming_the_setting(string branch)
    {
        var error = Assert.Throws<PipelineException>(() => CiBranch.Validate(branch, "--staging-branch"));
        Assert.StartsWith("--staging-branch:", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void GenerateCis_plan_refuses_a_hostile_staging_or_main_branch()
    {
        Assert.Throws<PipelineException>(() => CiPlan.From(Graph, "develop' || true || 'x", ["main"], ["mysql:8"]));
        Assert.Throws<PipelineException>(() => CiPlan.From(Graph, "develop", ["main", "x']"], ["mysql:8"]));
        var plan = CiPlan.From(Graph, "develop", ["main"], ["mysql:8"]);
        Assert.Contains("github.ref == 'refs/heads/develop'", GitHubActionsConfig.Render(plan));
        Assert.Contains("only: ['develop']", CircleCiConfig.Render(plan));
    }
}
