using Pipeline.Config;

namespace Pipeline.Tests.Config;

/// <summary>Where a run acts: the sandbox only where it can run, nobody configured a registry, and not in CI unless asked.</summary>
public sealed class SandboxChoiceTests
{
    private static readonly HostPlatform DebianRoot = new(IsLinux: true, IsDebian: true, IsRoot: true);

    private static SandboxChoice Decide(HostPlatform host, params (string Name, string Value)[] env)
    {
        string? Env(string name) => env.FirstOrDefault(v => v.Name == name).Value;
        return SandboxChoice.Decide(SettingsResolver.Resolve(new Dictionary<string, string>(), Env, null), Env, host);
    }

    [Fact]
    public void A_Debian_root_machine_outside_CI_with_nothing_configured_uses_the_sandbox()
    {
        var choice = Decide(DebianRoot);
        Assert.True(choice.Use);
        Assert.Contains("Debian as root", choice.Reason);
    }

    [Theory]
    [InlineData("CI", "true")]
    [InlineData("CI", "1")]
    [InlineData("GITHUB_ACTIONS", "true")]
    [InlineData("CIRCLECI", "true")]
    public void A_CI_run_leaves_the_sandbox_off_and_says_which_variable_decided(string variable, string value)
    {
        var choice = Decide(DebianRoot, (variable, value));
        Assert.False(choice.Use);
        Assert.Contains($"{variable}={value}", choice.Reason);
        Assert.Contains("--sandbox on", choice.Reason);
    }

    [Fact]
    public void CI_set_to_false_is_not_a_CI_run() => Assert.True(Decide(DebianRoot, ("CI", "false")).Use);

    [Theory]
    [InlineData(false, true, true, "this is")]
    [InlineData(true, false, true, "not Debian")]
    [InlineData(true, true, false, "not root")]
    public void A_machine_that_cannot_host_the_sandbox_uses_the_pinned_images(bool linux, bool debian, bool root, string why)
    {
        var choice = Decide(new HostPlatform(linux, debian, root));
        Assert.False(choice.Use);
        Assert.Contains(why, choice.Reason);
        Assert.Contains("pinned images", choice.Reason);
    }

    [Fact]
    public void A_configured_registry_means_real_infrastructure()
    {
        var choice = Decide(DebianRoot, ("AWS_ECR_URL", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"));
        Assert.False(choice.Use);
        Assert.Contains("AWS_ECR_URL", choice.Reason);
    }

    [Fact]
    public void Asking_for_the_sandbox_wins_over_CI_and_over_a_host_that_looks_unfit()
    {
        Assert.True(Decide(DebianRoot, ("CI", "true"), ("PIPELINE_SANDBOX", "on")).Use);
        Assert.True(Decide(new HostPlatform(true, true, false), ("PIPELINE_SANDBOX", "on")).Use);
    }

    [Fact]
    public void Asking_for_no_sandbox_wins_on_a_machine_that_could_host_it() =>
        Assert.False(Decide(DebianRoot, ("PIPELINE_SANDBOX", "off")).Use);

    [Fact]
    public void Asking_for_the_sandbox_with_a_registry_configured_is_refused_naming_both()
    {
        var error = Assert.Throws<PipelineException>(() =>
            Decide(DebianRoot, ("PIPELINE_SANDBOX", "on"), ("AWS_ECR_URL", "registry.example.com")));
        Assert.Contains("PIPELINE_SANDBOX=on", error.Message);
        Assert.Contains("AWS_ECR_URL", error.Message);
    }

    [Fact]
    public void An_unknown_choice_is_refused_with_the_allowed_ones()
    {
        var error = Assert.Throws<PipelineException>(() => Decide(DebianRoot, ("PIPELINE_SANDBOX", "yes")));
        Assert.Contains("auto, on, off", error.Fix);
    }
}
