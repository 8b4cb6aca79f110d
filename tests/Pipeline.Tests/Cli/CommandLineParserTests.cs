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
    public void An_empty_argument_stays_an_empty_value_and_does_not_take_the_next_target()
    {
        // ./build.sh --before-host "" Restore, as build.sh packs it: each argument followed by the unit separator.
        var invocation = CommandLineParser.Parse(PackedArgv.Unpack("--before-host\u001f\u001fRestore\u001f", '\u001f'), Graph);
        Assert.Equal("", invocation.Values["before-host"]);
        Assert.Equal(["Restore"], invocation.Targets);
    }

    [Theory]
    [InlineData(null, new string[0])]
    [InlineData("", new string[0])]
    [InlineData("--help", new[] { "--help" })]
    [InlineData("Restore\u001f", new[] { "Restore" })]
    [InlineData("\u001f", new[] { "" })]
    [InlineData("a\u001f\u001f\u001fb\u001f", new[] { "a", "", "", "b" })]
    [InlineData("a b\u001f--x=\u001f", new[] { "a b", "--x=" })]
    public void The_packed_command_line_unpacks_to_every_argument_empty_ones_included(string? packed, string[] expected) =>
        Assert.Equal(expected, PackedArgv.Unpack(packed, '\u001f'));

    [Theory]
    [InlineData("--registry-pasword=Secr3tXYZ")]
    [InlineData("-registry-pasword=Secr3tXYZ")]
    public void A_misspelt_parameter_is_named_without_its_value_and_with_a_suggestion(string arg)
    {
        var error = Assert.Throws<PipelineException>(() => CommandLineParser.Parse(["Restore", arg], Graph));
        Assert.Equal("Unknown parameter '--registry-pasword'", error.Message);
        Assert.Contains("Did you mean '--registry-password'?", error.Fix);
        Assert.DoesNotContain("Secr3tXYZ", error.Message + error.Fix + error.Detail);
    }

    [Fact]
    public void An_unknown_parameter_name_with_a_control_character_is_shown_escaped()
    {
        var error = Assert.Throws<PipelineException>(() => CommandLineParser.Parse(["--no\u001b]0;x\u0007such"], Graph));
        Assert.Equal(@"Unknown parameter '--no\x1b]0;x\x07such'", error.Message);
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
