using Pipeline.Build;
using Pipeline.Config;
using Pipeline.Registry;

namespace Pipeline.Tests.Registry;

public class ImageNamesTests
{
    private static readonly SourceRevision Revision = new("0123456789abcdef0123456789abcdef01234567", "develop");

    [Fact]
    public void Local_images_are_named_by_the_full_sha_as_in_the_original_setup()
    {
        var names = new ImageNames("127.0.0.1:5000", "sample-app", Revision);
        Assert.Equal("sample-app:0123456789abcdef0123456789abcdef01234567-testing", names.Testing);
        Assert.Equal("sample-app:0123456789abcdef0123456789abcdef01234567", names.Release);
        Assert.Equal("127.0.0.1:5000/sample-app:latest", names.Latest);
    }

    [Theory]
    [InlineData("sample-app")]
    [InlineData("team/sample_app")]
    [InlineData("a.b/c__d")]
    public void Valid_repositories_are_kept(string repository) =>
        Assert.Equal(repository, Resolve(repository).Get(PipelineParameters.Repository));

    [Theory]
    [InlineData("Sample-App")]
    [InlineData("app;rm -rf")]
    [InlineData("../app")]
    [InlineData("app/")]
    [InlineData("app name")]
    [InlineData("sample-app\n")]
    public void Invalid_repositories_are_refused_naming_the_origin(string repository)
    {
        var error = Assert.Throws<PipelineException>(() => Resolve(repository));
        Assert.StartsWith("AWS_ECR_REPO is not a valid image repository name: ", error.Message);
    }

    private static ParameterValues Resolve(string repository) =>
        SettingsResolver.Resolve(new Dictionary<string, string>(), name => name == "AWS_ECR_REPO" ? repository : null, null);
}
