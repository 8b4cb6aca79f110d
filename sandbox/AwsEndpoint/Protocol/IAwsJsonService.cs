using System.Text.Json;

namespace AwsEndpoint.Protocol;

/// <summary>One operation: the parsed JSON body in, a response record out (or an <see cref="AwsServiceException"/>).</summary>
public delegate Task<object> AwsOperation(JsonElement input, CancellationToken ct);

/// <summary>One AWS JSON 1.1 service (ECR now, ECS next to it): the protocol routes on <see cref="TargetPrefix"/>
/// and checks that the signature's credential scope names <see cref="SigningName"/>.</summary>
public interface IAwsJsonService
{
    /// <summary>The model's metadata.targetPrefix, e.g. AmazonEC2ContainerRegistry_V20150921.</summary>
    string TargetPrefix { get; }

    /// <summary>The model's metadata.signingName, e.g. ecr.</summary>
    string SigningName { get; }

    IReadOnlyDictionary<string, AwsOperation> Operations { get; }
}
