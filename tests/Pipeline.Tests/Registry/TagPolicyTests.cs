using Pipeline.Build;
using Pipeline.Registry;

namespace Pipeline.Tests.Registry;

public class TagPolicyTests
{
    private static SourceRevision On(string branch) => new("abc1234def5678abc1234def5678abc1234def56", branch);

    [Fact]
    public void A_main_branch_is_tagged_master_and_the_short_sha() =>
        Assert.Equal("master-abc1234", TagPolicy.For(On("main"), isMainBranch: true, "master", "develop", null));

    [Fact]
    public void Any_other_branch_is_tagged_develop_and_the_short_sha() =>
        Assert.Equal("develop-abc1234", TagPolicy.For(On("feature/x"), isMainBranch: false, "master", "develop", null));

    [Theory]
    [InlineData("feature/x;rm -rf", "feature-x-rm-rf-abc1234")]
    [InlineData("../../etc/passwd", "etc-passwd-abc1234")]
    [InlineData("my branch", "my-branch-abc1234")]
    [InlineData("-leading.dash", "leading.dash-abc1234")]
    [InlineData("a..b", "a.b-abc1234")]
    public void A_branch_prefix_is_sanitised_into_a_valid_tag(string branch, string tag) =>
        Assert.Equal(tag, TagPolicy.For(On(branch), isMainBranch: false, "master", TagPolicy.BranchPlaceholder, null));

    [Fact]
    public void A_branch_with_nothing_usable_is_refused() =>
        Assert.Throws<PipelineException>(() => TagPolicy.Sanitize("/;/ .."));

    [Theory]
    [InlineData("v1;rm -rf /")]
    [InlineData("../up")]
    [InlineData("-dash")]
    [InlineData("with space")]
    [InlineData("")]
    public void An_explicit_tag_that_is_not_valid_is_refused_not_rewritten(string tag)
    {
        var error = Assert.Throws<PipelineException>(() => TagPolicy.For(On("main"), true, "master", "develop", tag));
        Assert.StartsWith("--tag:", error.Message);
    }

    [Fact]
    public void A_long_branch_name_is_cut_to_fit_a_tag()
    {
        var tag = TagPolicy.For(On(new string('b', 300)), isMainBranch: false, "master", TagPolicy.BranchPlaceholder, null);
        Assert.True(tag.Length <= 128);
        Assert.EndsWith("-abc1234", tag);
    }
}
