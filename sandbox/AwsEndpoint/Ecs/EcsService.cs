using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecs;

/// <summary>ECS as the JSON protocol sees it: the model's target prefix and signing name, and the operations the
/// pipeline (and a person with `aws ecs`) calls. Tasks run for real on the Docker engine (see EcsScheduler).</summary>
public sealed class EcsService : IAwsJsonService
{
    public EcsService(EcsState state)
    {
        var clusters = new EcsClusterOperations(state);
        var services = new EcsServiceOperations(state);
        var definitions = new EcsTaskDefinitionOperations(state);
        var tasks = new EcsTaskOperations(state);
        Operations = new Dictionary<string, AwsOperation>(StringComparer.Ordinal)
        {
            ["CreateCluster"] = clusters.CreateClusterAsync,
            ["DescribeClusters"] = clusters.DescribeClustersAsync,
            ["ListClusters"] = clusters.ListClustersAsync,
            ["CreateService"] = services.CreateServiceAsync,
            ["DescribeServices"] = services.DescribeServicesAsync,
            ["UpdateService"] = services.UpdateServiceAsync,
            ["ListServices"] = services.ListServicesAsync,
            ["RegisterTaskDefinition"] = definitions.RegisterTaskDefinitionAsync,
            ["DescribeTaskDefinition"] = definitions.DescribeTaskDefinitionAsync,
            ["DeregisterTaskDefinition"] = definitions.DeregisterTaskDefinitionAsync,
            ["ListTaskDefinitions"] = definitions.ListTaskDefinitionsAsync,
            ["ListTaskDefinitionFamilies"] = definitions.ListTaskDefinitionFamiliesAsync,
            ["ListTasks"] = tasks.ListTasksAsync,
            ["DescribeTasks"] = tasks.DescribeTasksAsync,
        };
    }

    public string TargetPrefix => "AmazonEC2ContainerServiceV20141113";
    public string SigningName => "ecs";
    public IReadOnlyDictionary<string, AwsOperation> Operations { get; }
}
