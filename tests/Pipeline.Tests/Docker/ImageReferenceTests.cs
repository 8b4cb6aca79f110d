using Pipeline.Config;
using Pipeline.Docker;
using Pipeline.Registry;
using Pipeline.Tests.Config;

namespace Pipeline.Tests.Docker;

/// <summary>
/// Image references and the registry host follow Docker's reference grammar strictly, wherever they come from: a
/// name with ".." becomes another Engine API path once System.Uri collapses it, and one starting with '-' reaches
/// `docker pull` on the hosts as an option.
/// </summary>
public sealed class ImageReferenceTests : IDisposable
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private readonly TestRepository _repository = new();

    public void Dispose() => _repository.Dispose();

    private PipelineSettings Resolve(string variable, string value) => _repository.Resolve(new Dictionary<string, string>
    {
        ["AWS_ECR_URL"] = "registry.example.com",
        ["PIPELINE_SANDBOX"] = "off",
        [variable] = value,
    });

    [Theory]
    [InlineData("mysql:8.0.40")]
    [InlineData("library/redis")]
    [InlineData("127.0.0.1:5000/sandbox/mariadb:10.11")]
    [InlineData("localhost:5000/app")]
    [InlineData("[::1]:5000/app:v1")]
    [InlineData("registry.example.com:5000/team/my_app__x/a-b--c.d:v1.2_3")]
    [InlineData("nginx@" + Digest)]
    [InlineData("public.ecr.aws/aws-observability/aws-for-fluent-bit:stable@" + Digest)]
    public void References_in_the_grammar_parse(string reference) =>
        Assert.Equal(reference, ImageReference.Parse(reference).ToString());

    public static TheoryData<string> Malformed() =>
    [
        "../../containers/x",
        "mysql/../../containers/x",
        "registry.example.com/../x:1",
        "-registry.example.com/app:1",
        "--privileged",
        "mysql:8.0 --privileged",
        "mysql:8.0\n",
        "mysql:8.0\r",
        "my\u202esql:8",
        "MySQL:8",
        "mysql:",
        "mysql:-1",
        "mysql:" + new string('1', 129),
        "mysql@sha256:abc",
        "mysql//x",
        "/mysql",
        "mysql/",
        "registry.example.com/" + new string('a', 250),
        "",
    ];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_references_are_refused(string reference) =>
        Assert.Throws<PipelineException>(() => ImageReference.Parse(reference));

    [Theory]
    [InlineData("MYSQL_IMAGE")]
    [InlineData("REDIS_IMAGE")]
    [InlineData("BASE_IMAGE")]
    [InlineData("STAGING_PROXY_IMAGE")]
    [InlineData("CACHE_IMAGES")]
    public void Every_image_setting_refuses_a_reference_outside_the_grammar_naming_itself(string variable)
    {
        foreach (var value in new[] { "../../containers/x", "-x:1", "mysql:8.0\n", "mysql:8.0 --privileged", "redis:7,../../x" })
        {
            var error = Assert.Throws<PipelineException>(() => Resolve(variable, value));
            Assert.StartsWith(variable + " is not ", error.Message);
            Assert.DoesNotContain(value, error.Message + error.Fix);
        }
        Assert.NotNull(Resolve(variable, "127.0.0.1:5000/sandbox/redis:7.0"));
    }

    [Theory]
    [InlineData("123456789012.dkr.ecr.eu-west-1.amazonaws.com")]
    [InlineData("127.0.0.1:5000")]
    [InlineData("localhost:5000")]
    [InlineData("[::1]:5000")]
    [InlineData("ghcr.io/my-org")]
    public void Registry_hosts_in_the_grammar_are_accepted(string registry) =>
        Assert.Equal(registry, Resolve("AWS_ECR_URL", registry).Registry);

    [Theory]
    [InlineData("-registry.example.com")]
    [InlineData("registry.example.com\n")]
    [InlineData("https://registry.example.com")]
    [InlineData("registry.example.com/../x")]
    [InlineData("registry example.com")]
    [InlineData("registry.example.com:port")]
    [InlineData("registry-.example.com")]
    public void A_registry_host_outside_the_grammar_is_refused_naming_the_setting(string registry)
    {
        var error = Assert.Throws<PipelineException>(() => Resolve("AWS_ECR_URL", registry));
        Assert.StartsWith("AWS_ECR_URL is not a registry host", error.Message);
        Assert.DoesNotContain(registry, error.Message + error.Fix);
    }

    [Fact]
    public void A_composed_image_name_is_checked_as_a_whole()
    {
        var settings = Resolve("AWS_ECR_REPO", "team/" + new string('a', 240));
        var error = Assert.Throws<PipelineException>(() => PublishSettings.From(settings));
        Assert.Contains("AWS_ECR_URL", error.Message);
    }
}
