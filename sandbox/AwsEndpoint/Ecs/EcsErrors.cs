using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecs;

/// <summary>ECS's modeled errors, with the messages AWS sends (people and scripts grep for them).</summary>
public static class EcsErrors
{
    public static AwsServiceException ClusterNotFound() => new("ClusterNotFoundException", "Cluster not found.");

    public static AwsServiceException ServiceNotFound() => new("ServiceNotFoundException", "Service not found.");

    public static AwsServiceException ServiceNotActive() => new("ServiceNotActiveException", "Service was not ACTIVE.");

    public static AwsServiceException Client(string message) => new("ClientException", message);

    public static AwsServiceException TaskDefinitionNotFound() => Client("Unable to describe task definition.");

    public static AwsServiceException InvalidParameter(string message) => AwsServiceException.InvalidParameter(message);

    public static AwsServiceException Missing(string member) =>
        AwsServiceException.Validation($"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");
}
