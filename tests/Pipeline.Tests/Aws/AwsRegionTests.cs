using Pipeline.Aws;
using Pipeline.Tests.Config;

namespace Pipeline.Tests.Aws;

/// <summary>
/// The region becomes part of the AWS host names (api.ecr.REGION.amazonaws.com), which receive signed requests and
/// the session token: only the AWS region grammar is accepted, wherever the region comes from.
/// </summary>
public sealed class AwsRegionTests : IDisposable
{
    private const string Hostile = "us-east-1.attacker.example/x?";

    private readonly TestRepository _repository = new();

    public void Dispose() => _repository.Dispose();

    private static Func<string, string?> NoEnvironment => _ => null;

    private AwsAccess Access(string? region = null, Func<string?>? regionChain = null)
    {
        var env = new Dictionary<string, string> { ["AWS_ECR_URL"] = "123456789012.dkr.ecr.eu-west-1.amazonaws.com", ["PIPELINE_SANDBOX"] = "off" };
        if (region is not null) env["AWS_REGION"] = region;
        return new AwsAccess(_repository.Resolve(env), NoEnvironment, regionChain ?? (() => null));
    }

    [Theory]
    [InlineData("us-east-1")]
    [InlineData("eu-west-3")]
    [InlineData("ap-southeast-5")]
    [InlineData("il-central-1")]
    [InlineData("cn-north-1")]
    [InlineData("us-gov-west-1")]
    [InlineData("us-iso-east-1")]
    [InlineData("us-isob-east-1")]
    [InlineData("eu-isoe-west-1")]
    public void Real_region_names_are_accepted(string region)
    {
        Assert.Equal(region, Access(region).Region);
        Assert.Equal($"api.ecr.{region}.amazonaws.com", AwsServiceEndpoint.Ecr(region, NoEnvironment).Url.Host);
    }

    [Theory]
    [InlineData(Hostile)]
    [InlineData("us-east-1\n")]
    [InlineData("US-EAST-1")]
    [InlineData("us-east-1.")]
    [InlineData("us-east-1@evil.example")]
    [InlineData("us-east-123")]
    [InlineData("useast1")]
    public void Anything_else_from_the_parameter_is_refused_naming_it(string region)
    {
        var error = Assert.Throws<PipelineException>(() => Access(region));
        Assert.StartsWith("AWS_REGION is not an AWS region", error.Message);
        Assert.Contains("us-east-1", error.Fix);
        Assert.DoesNotContain(region, error.Message + error.Fix);
    }

    [Fact]
    public void A_region_from_the_SDKs_chain_or_profile_is_checked_the_same_way()
    {
        Assert.Equal("eu-north-1", Access(regionChain: () => "eu-north-1").Region);
        var error = Assert.Throws<PipelineException>(() => Access(regionChain: () => Hostile).Region);
        Assert.Contains("AWS_DEFAULT_REGION", error.Message);
        Assert.Contains("not an AWS region", error.Message);
        Assert.DoesNotContain(Hostile, error.Message + error.Fix);
    }

    [Fact]
    public void No_endpoint_is_ever_built_from_a_region_that_is_not_one()
    {
        Assert.Throws<PipelineException>(() => AwsServiceEndpoint.Ecr(Hostile, NoEnvironment));
        Assert.Throws<PipelineException>(() => AwsServiceEndpoint.Ecs(Hostile, NoEnvironment));
    }
}
