using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecr;

/// <summary>ECR as the JSON protocol sees it: the model's target prefix and signing name, and the operations the
/// pipeline calls. Each operation group lives in its own class; ECS will be a sibling service like this one.</summary>
public sealed class EcrService : IAwsJsonService
{
    public EcrService(EcrRegistryView view, TimeProvider clock)
    {
        var auth = new EcrAuthorizationOperations(view, clock);
        var repositories = new EcrRepositoryOperations(view, clock);
        var images = new EcrImageOperations(view);
        Operations = new Dictionary<string, AwsOperation>(StringComparer.Ordinal)
        {
            ["GetAuthorizationToken"] = auth.GetAuthorizationTokenAsync,
            ["DescribeRepositories"] = repositories.DescribeRepositoriesAsync,
            ["CreateRepository"] = repositories.CreateRepositoryAsync,
            ["DescribeImages"] = images.DescribeImagesAsync,
            ["BatchGetImage"] = images.BatchGetImageAsync,
        };
    }

    public string TargetPrefix => "AmazonEC2ContainerRegistry_V20150921";
    public string SigningName => "ecr";
    public IReadOnlyDictionary<string, AwsOperation> Operations { get; }
}
