using Pipeline.Config;

namespace Pipeline.Tests.Config;

/// <summary>A flag is exactly true/false, 1/0, yes/no or on/off, in any case; anything else is refused naming the setting.</summary>
public sealed class FlagTests
{
    private static ParameterValues FromEnv(string value) =>
        SettingsResolver.Resolve(new Dictionary<string, string>(), name => name == "FORCE_PUSH" ? value : null, null);

    [Theory]
    [InlineData("true")]
    [InlineData("1")]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("TRUE")]
    [InlineData("Yes")]
    [InlineData("ON")]
    public void Words_for_yes_turn_a_flag_on(string value) => Assert.True(FromEnv(value).Flag(PipelineParameters.ForcePush));

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("no")]
    [InlineData("off")]
    [InlineData("FALSE")]
    [InlineData("No")]
    [InlineData("OFF")]
    public void Words_for_no_turn_it_off(string value) => Assert.False(FromEnv(value).Flag(PipelineParameters.ForcePush));

    [Theory]
    [InlineData("maybe")]
    [InlineData("y")]
    [InlineData("2")]
    [InlineData("tru")]
    [InlineData("false ")]
    public void Anything_else_is_refused_naming_the_setting(string value)
    {
        var error = Assert.Throws<PipelineException>(() => FromEnv(value));
        Assert.StartsWith("FORCE_PUSH is not a flag", error.Message);
        Assert.Contains("true or false", error.Fix);
    }

    [Fact]
    public void The_command_line_form_with_a_value_is_read_the_same_way()
    {
        var values = SettingsResolver.Resolve(new Dictionary<string, string> { ["force-push"] = "no", ["dryrun"] = "off" }, _ => null, null);
        Assert.False(values.Flag(PipelineParameters.ForcePush));
        Assert.False(values.Flag(PipelineParameters.DryRun));
        var error = Assert.Throws<PipelineException>(() =>
            SettingsResolver.Resolve(new Dictionary<string, string> { ["keep-deps"] = "sure" }, _ => null, null));
        Assert.StartsWith("--keep-deps is not a flag", error.Message);
    }

    [Fact]
    public void Every_flag_parameter_has_the_flag_kind() =>
        Assert.All(PipelineParameters.All.Where(p => p.IsFlag), p => Assert.Same(SettingKinds.Flag, p.ValueKind));
}
