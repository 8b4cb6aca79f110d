using Amazon.Runtime;
using Pipeline.Aws.Ecr;
using Pipeline.Config;

namespace Pipeline.Aws;

/// <summary>
/// The run's AWS clients. Credentials and region are resolved once, on first use, so a run that never touches
/// AWS never needs them. In the sandbox they are the sandbox's own key pair, region and endpoint.
/// <paramref name="regionChain"/> is the SDK's region chain (AWS_DEFAULT_REGION, the profile) unless a test gives another.
/// </summary>
public sealed class AwsAccess(PipelineSettings settings, Func<string, string?> environment, Func<string?>? regionChain = null)
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private Task<AwsIdentity>? _identity;

    public string Region => settings.IsSandbox
        ? SandboxProfile.AwsRegion
        : settings.Values.Get(PipelineParameters.AwsRegion)
          ?? ((regionChain ?? SdkRegion)() is { } fromChain
              ? AwsRegionName.Require(fromChain, "The region from AWS_DEFAULT_REGION or the AWS profile")
              : throw new PipelineException("No AWS region is set", "Set AWS_REGION (or --aws-region), or a region in the AWS profile."));

    public EcrClient Ecr => new(Client(AwsServiceEndpoint.Ecr(Region, environment, SandboxEndpoint)));

    public Ecs.EcsClient Ecs => new(Client(AwsServiceEndpoint.Ecs(Region, environment, SandboxEndpoint)));

    public Task<AwsIdentity> IdentityAsync(CancellationToken cancellation) =>
        _identity ??= settings.IsSandbox
            ? AwsCredentialChain.FromProfileAsync(settings.Sandbox.AwsCredentialsFile, SandboxProfile.AwsProfile, cancellation)
            : AwsCredentialChain.ResolveAsync(cancellation);

    private static string? SdkRegion() => FallbackRegionFactory.GetRegionEndpoint(includeInstanceMetadata: false)?.SystemName;

    private Uri? SandboxEndpoint => settings.IsSandbox ? new Uri(SandboxProfile.AwsEndpoint) : null;

    private AwsJsonClient Client(AwsServiceEndpoint endpoint) => new(Http, endpoint, IdentityAsync);
}
