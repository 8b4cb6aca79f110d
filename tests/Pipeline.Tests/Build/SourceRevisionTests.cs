using Pipeline.Build;

namespace Pipeline.Tests.Build;

public class SourceRevisionTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";
    private const string OtherSha = "fedcba9876543210fedcba9876543210fedcba98";

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static Func<string[], string?> Git(string? sha, string? branch) =>
        args => args.Contains("--abbrev-ref") ? branch : sha;

    [Fact]
    public void CircleCI_variables_win_over_git()
    {
        var revision = SourceRevision.Resolve(null, null, Env(("CIRCLE_SHA1", Sha), ("CIRCLE_BRANCH", "develop")), Git(OtherSha, "main"));
        Assert.Equal(new SourceRevision(Sha, "develop"), revision);
    }

    [Fact]
    public void GitHub_pull_requests_use_the_head_branch_not_the_merge_ref()
    {
        var revision = SourceRevision.Resolve(null, null,
            Env(("GITHUB_SHA", Sha), ("GITHUB_HEAD_REF", "feature/login"), ("GITHUB_REF_NAME", "42/merge")), Git(null, null));
        Assert.Equal("feature/login", revision.Branch);
    }

    [Fact]
    public void GitHub_pushes_use_the_ref_name()
    {
        var revision = SourceRevision.Resolve(null, null, Env(("GITHUB_SHA", Sha), ("GITHUB_REF_NAME", "main")), Git(null, null));
        Assert.Equal("main", revision.Branch);
    }

    [Fact]
    public void Git_is_the_fallback_and_the_short_sha_has_seven_characters()
    {
        var revision = SourceRevision.Resolve(null, null, Env(), Git(OtherSha.ToUpperInvariant(), "develop"));
        Assert.Equal(OtherSha, revision.Sha);
        Assert.Equal("fedcba9", revision.ShortSha);
    }

    [Fact]
    public void Explicit_settings_win_over_everything() =>
        Assert.Equal(new SourceRevision(Sha, "release"),
            SourceRevision.Resolve(Sha, "release", Env(("CIRCLE_SHA1", OtherSha)), Git(OtherSha, "main")));

    [Theory]
    [InlineData("not-a-sha")]
    [InlineData("abc")]
    [InlineData("0123456789abcdef0123456789abcdef012345678")]
    public void A_malformed_sha_is_refused(string sha)
    {
        var error = Assert.Throws<PipelineException>(() => SourceRevision.Resolve(sha, "main", Env(), Git(null, null)));
        Assert.Contains("is not a commit sha", error.Message);
    }

    [Fact]
    public void A_malformed_sha_from_CI_is_refused_naming_the_variable_without_repeating_it()
    {
        const string hostile = "0123456789abcdef`touch /tmp/pwned`";
        var error = Assert.Throws<PipelineException>(() => SourceRevision.Resolve(null, "main", Env(("GITHUB_SHA", hostile)), Git(null, null)));
        Assert.StartsWith("GITHUB_SHA is not a commit sha: character 17 is '`'", error.Message);
        Assert.DoesNotContain(hostile, error.Message + error.Fix);
    }

    [Fact]
    public void A_detached_checkout_without_CI_variables_asks_for_the_branch()
    {
        var error = Assert.Throws<PipelineException>(() => SourceRevision.Resolve(null, null, Env(), Git(Sha, "HEAD")));
        Assert.Contains("PIPELINE_BRANCH", error.Fix);
    }

    [Fact]
    public void No_git_and_no_CI_variables_asks_for_the_sha()
    {
        var error = Assert.Throws<PipelineException>(() => SourceRevision.Resolve(null, null, Env(), Git(null, null)));
        Assert.Contains("PIPELINE_SHA", error.Fix);
    }
}
