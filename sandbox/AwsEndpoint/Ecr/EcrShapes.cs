using System.Text.Json.Serialization;

namespace AwsEndpoint.Ecr.Shapes;

// Request and response shapes of ecr/2015-09-21/service-2.json, members named exactly as the model names them
// (camelCase by the serializer policy). Only the members this endpoint reads or fills are declared; the shape
// test in tests/AwsEndpoint.Tests checks every emitted member against the model.

public sealed record ImageIdentifier(string? ImageDigest = null, string? ImageTag = null);

public sealed record ImageScanningConfiguration(bool ScanOnPush = false);

public sealed record EncryptionConfiguration(string EncryptionType = "AES256", string? KmsKey = null);

// The one ECR shape whose members are PascalCase in the model (and on the wire).
public sealed record Tag([property: JsonPropertyName("Key")] string Key, [property: JsonPropertyName("Value")] string Value);

public sealed record Repository(
    string RepositoryArn, string RegistryId, string RepositoryName, string RepositoryUri, DateTimeOffset? CreatedAt,
    string ImageTagMutability, ImageScanningConfiguration ImageScanningConfiguration, EncryptionConfiguration EncryptionConfiguration);

public sealed record AuthorizationData(string AuthorizationToken, DateTimeOffset ExpiresAt, string ProxyEndpoint);

public sealed record ImageDetail(
    string RegistryId, string RepositoryName, string ImageDigest, IReadOnlyList<string>? ImageTags, long ImageSizeInBytes,
    DateTimeOffset? ImagePushedAt, string ImageManifestMediaType, string? ArtifactMediaType);

public sealed record Image(string RegistryId, string RepositoryName, ImageIdentifier ImageId, string ImageManifest, string ImageManifestMediaType);

public sealed record ImageFailure(ImageIdentifier ImageId, string FailureCode, string FailureReason);

public sealed record DescribeImagesFilter(string? TagStatus = null);

public sealed record GetAuthorizationTokenRequest(IReadOnlyList<string>? RegistryIds = null);
public sealed record GetAuthorizationTokenResponse(IReadOnlyList<AuthorizationData> AuthorizationData);

public sealed record DescribeRepositoriesRequest(
    string? RegistryId = null, IReadOnlyList<string>? RepositoryNames = null, string? NextToken = null, int? MaxResults = null);
public sealed record DescribeRepositoriesResponse(IReadOnlyList<Repository> Repositories, string? NextToken);

public sealed record CreateRepositoryRequest(
    string? RegistryId = null, string? RepositoryName = null, IReadOnlyList<Tag>? Tags = null, string? ImageTagMutability = null,
    ImageScanningConfiguration? ImageScanningConfiguration = null, EncryptionConfiguration? EncryptionConfiguration = null);
public sealed record CreateRepositoryResponse(Repository Repository);

public sealed record DescribeImagesRequest(
    string? RegistryId = null, string? RepositoryName = null, IReadOnlyList<ImageIdentifier>? ImageIds = null,
    string? NextToken = null, int? MaxResults = null, DescribeImagesFilter? Filter = null);
public sealed record DescribeImagesResponse(IReadOnlyList<ImageDetail> ImageDetails, string? NextToken);

public sealed record BatchGetImageRequest(
    string? RegistryId = null, string? RepositoryName = null, IReadOnlyList<ImageIdentifier>? ImageIds = null,
    IReadOnlyList<string>? AcceptedMediaTypes = null);
public sealed record BatchGetImageResponse(IReadOnlyList<Image> Images, IReadOnlyList<ImageFailure> Failures);
