using Pipeline.Cli;

namespace Pipeline.Tests.Cli;

public class CommandLineParserTests
{
    private static readonly TargetGraph Graph = new(
        [
            new TargetInfo("Restore", "restore", []),
            new TargetInfo("DockerBuild", "build", ["Restore"]),
        ],
        "DockerBuild");

    [Fact]
    public void Positional_words_are_targets_in_their_declared_spelling()
    {
        var invocation = CommandLineParser.Parse(["dockerbuild", "Restore"], Graph);
        Assert.Equal(["DockerBuild", "Restore"], invocation.Targets);
    }

    [Fact]
    public void Values_are_read_with_a_space_or_an_equals_sign()
    {
        var invocation = CommandLineParser.Parse(["--repository", "app-one", "--branch=feature/x"], Graph);
        Assert.Equal("app-one", invocation.Values["repository"]);
        Assert.Equal("feature/x", invocation.Values["branch"]);
    }

    [Fact]
    public void A_flag_does_not_swallow_the_next_target()
    {
        var invocation = CommandLineParser.Parse(["--dryrun", "Restore"], Graph);
        Assert.Equal("true", invocation.Values["dryrun"]);
        Assert.Equal(["Restore"], invocation.Targets);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Help_is_a_flag(string arg) =>
        Assert.Equal("true", CommandLineParser.Parse([arg], Graph).Values["help"]);

    [Fact]
    public void An_unknown_target_names_the_closest_and_lists_all()
    {
        var error = Assert.Throws<PipelineException>(() => CommandLineParser.Parse(["DockerBiuld"], Graph));
        Assert.Contains("Unknown target 'DockerBiuld'", error.Message);
        Assert.Contains("Did you mean 'DockerBuild'?", error.Fix);
        Assert.Contains("Restore, DockerBuild", error.Fix);
    }

    [Fact]
    public void An_unknown_parameter_names_the_closest()
    {
        var error = Assert.Throws<PipelineException>(() => CommandLineParser.Parse(["--repositroy=x"], Graph));
        Assert.Contains("--repositroy", error.Message);
        Assert.Contains("--repository", error.Fix);
    }

    [Fact]
    public void A_value_parameter_without_a_value_is_refused()
    {
        var error = Assert.Throws<PipelineException>(() => CommandLineParser.Parse(["--repository"], Graph));
        Assert.Contains("needs a value", error.Message);
    }

    [Fact]
    public void Skip_may_be_given_more_than_once()
    {
        var invocation = CommandLineParser.Parse(["--skip", "Restore", "--skip=DockerBuild"], Graph);
        Assert.Equal("Restore,DockerBuild", invocation.Values["skip"]);
    }
}
