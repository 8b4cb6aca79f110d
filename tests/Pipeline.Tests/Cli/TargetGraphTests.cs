using Pipeline.Cli;

namespace Pipeline.Tests.Cli;

public class TargetGraphTests
{
    private static readonly TargetGraph Graph = new(
        [
            new TargetInfo("Restore", "", []),
            new TargetInfo("DockerBuild", "", ["Restore"]),
            new TargetInfo("StartDeps", "", ["Restore"]),
            new TargetInfo("Test", "", ["DockerBuild", "StartDeps"]),
        ],
        "Test");

    [Fact]
    public void Dependencies_run_first_and_once() =>
        Assert.Equal(["Restore", "DockerBuild", "StartDeps", "Test"], Graph.ExecutionOrder(["Test"]));

    [Fact]
    public void Several_requested_targets_share_their_dependencies() =>
        Assert.Equal(["Restore", "StartDeps", "DockerBuild"], Graph.ExecutionOrder(["StartDeps", "DockerBuild"]));

    [Fact]
    public void A_default_that_is_not_declared_is_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => new TargetGraph([new TargetInfo("A", "", [])], "B"));
}
