using AwsEndpoint.Protocol;
using AwsEndpoint.Ecr.Shapes;

namespace AwsEndpoint.Ecr;

/// <summary>ECR's modeled errors, with the wording AWS uses (clients and people grep for it).</summary>
public static class EcrErrors
{
    public static AwsServiceException RepositoryNotFound(string account, string name) => new("RepositoryNotFoundException",
        $"The repository with name '{name}' does not exist in the registry with id '{account}'");

    public static AwsServiceException RepositoryAlreadyExists(string account, string name) => new("RepositoryAlreadyExistsException",
        $"The repository with name '{name}' already exists in the registry with id '{account}'");

    public static AwsServiceException ImageNotFound(string account, string repository, ImageIdentifier id) => new("ImageNotFoundException",
        $"The image with imageId {{imageDigest:'{id.ImageDigest ?? "null"}', imageTag:'{id.ImageTag ?? "null"}'}} does not exist within the repository with name '{repository}' in the registry with id '{account}'");
}
