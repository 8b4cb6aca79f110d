using System.Text.RegularExpressions;
using Pipeline.Config;
using Pipeline.Tests.EndToEnd;

namespace Pipeline.Tests.Config;

public sealed class SandboxPartsTests
{
    [Fact]
    public void A_test_run_leaves_out_staging_and_ecs()
    {
        string[] run = ["Restore", "DockerBuild", "StartDeps", "Test"];
        Assert.True(SandboxParts.Needed(run));
        Assert.Equal([SandboxParts.Staging, SandboxParts.Ecs], SandboxParts.Unused(run));
    }

    [Fact]
    public void Each_deploy_keeps_the_part_it_deploys_to()
    {
        Assert.Equal([SandboxParts.Ecs], SandboxParts.Unused(["Restore", "Push", "DeployStaging"]));
        Assert.Equal([SandboxParts.Ecs], SandboxParts.Unused(["rollback"]));
        Assert.Equal([SandboxParts.Staging], SandboxParts.Unused(["Push", "DeployProduction"]));
        Assert.Empty(SandboxParts.Unused(["DeployStaging", "DeployProduction"]));
    }

    [Fact]
    public void Only_the_staging_targets_use_staging()
    {
        Assert.True(SandboxParts.Uses(["Push", "DeployStaging"], SandboxParts.Staging));
        Assert.True(SandboxParts.Uses(["StagingUnlock"], SandboxParts.Staging));
        Assert.False(SandboxParts.Uses(["Restore", "DockerBuild", "StartDeps", "Test", "Push", "DeployProduction"], SandboxParts.Staging));
    }

    [Fact]
    public void Generating_the_ci_files_needs_no_sandbox()
    {
        Assert.False(SandboxParts.Needed(["GenerateCi"]));
        Assert.True(SandboxParts.Needed(["GenerateCi", "Restore"]));
    }

    [Fact]
    public void Every_target_the_table_names_is_a_target_of_build_cake()
    {
        var cake = File.ReadAllText(Path.Combine(BuildScript.RepositoryRoot, "build", "build.cake"));
        var targets = Regex.Matches(cake, @"^Task\(""(\w+)""\)", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.NotEmpty(SandboxParts.TargetsNamed);
        Assert.All(SandboxParts.TargetsNamed, name => Assert.Contains(name, targets));
    }
}
