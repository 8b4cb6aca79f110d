namespace Pipeline.Aws.Ecr;

// The few ECR shapes the pipeline uses, named as in ecr/2015-09-21/service-2.json (camelCase on the wire).

public sealed record GetAuthorizationTokenRequest;

public sealed record GetAuthorizationTokenResponse(IReadOnlyList<AuthorizationData>? AuthorizationData);

/// <summary>ExpiresAt is a JSON-protocol timestamp: epoch seconds, possibly fractional.</summary>
public sealed record AuthorizationData(string? AuthorizationToken, double? ExpiresAt, string? ProxyEndpoint);

public sealed record ImageIdentifier(string? ImageDigest = null, string? ImageTag = null);

public sealed record DescribeImagesRequest(string RepositoryName, IReadOnlyList<ImageIdentifier>? ImageIds = null);

public sealed record DescribeImagesResponse(IReadOnlyList<ImageDetail>? ImageDetails, string? NextToken);

public sealed record ImageDetail(
    string? RegistryId, string? RepositoryName, string? ImageDigest, IReadOnlyList<string>? ImageTags,
    long? ImageSizeInBytes, double? ImagePushedAt, string? ImageManifestMediaType);

public sealed record BatchGetImageRequest(
    string RepositoryName, IReadOnlyList<ImageIdentifier> ImageIds, IReadOnlyList<string>? AcceptedMediaTypes = null);

public sealed record BatchGetImageResponse(IReadOnlyList<EcrImage>? Images, IReadOnlyList<ImageFailure>? Failures);

public sealed record EcrImage(
    string? RegistryId, string? RepositoryName, ImageIdentifier? ImageId, string? ImageManifest, string? ImageManifestMediaType);

public sealed record ImageFailure(ImageIdentifier? ImageId, string? FailureCode, string? FailureReason);
