using AwsEndpoint.Tests.Fixtures;
using AwsEndpoint.Tests.Shapes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>Missing clusters, services and task definitions answer with the model's error codes, as `aws ecs`
/// reports them; DescribeServices/DescribeClusters/DescribeTasks report missing names as failures instead.</summary>
public sealed class EcsErrorTests(EcsEndpoint endpoint)
{
    private static readonly ServiceModel Model = ServiceModel.Load(EcsModel.Path);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("describe-services", "ClusterNotFoundException", "--cluster", "no-such-cluster", "--services", "web")]
    [InlineData("update-service", "ClusterNotFoundException", "--cluster", "no-such-cluster", "--service", "web", "--desired-count", "1")]
    [InlineData("create-service", "ClusterNotFoundException", "--cluster", "no-such-cluster", "--service-name", "web", "--task-definition", "x:1")]
    [InlineData("list-tasks", "ClusterNotFoundException", "--cluster", "no-such-cluster")]
    [InlineData("describe-tasks", "ClusterNotFoundException", "--cluster", "no-such-cluster", "--tasks", "0123")]
    [InlineData("update-service", "ServiceNotFoundException", "--cluster", "CLUSTER", "--service", "no-such-service", "--desired-count", "1")]
    [InlineData("list-tasks", "ServiceNotFoundException", "--cluster", "CLUSTER", "--service-name", "no-such-service")]
    [InlineData("create-service", "ClientException", "--cluster", "CLUSTER", "--service-name", "web", "--task-definition", "no-such-family:1")]
    [InlineData("deregister-task-definition", "ClientException", "--task-definition", "no-such-family:1")]
    public async Task Missing_resources_fail_with_the_models_error_codes(string command, string code, params string[] args)
    {
        var e = await endpoint.StartedAsync();
        var cluster = args.Contains("CLUSTER") ? await e.NewClusterAsync("err", Ct) : "";
        var r = await e.AwsAsync(Ct, [command, .. args.Select(a => a == "CLUSTER" ? cluster : a)]);
        EcsCli.FailsWith(r, code);
        var operation = string.Concat(command.Split('-').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
        Assert.Contains(code, Model.Errors(operation));
    }

    [Fact]
    public async Task Describe_calls_report_missing_names_as_MISSING_failures()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("miss", Ct);
        var services = await e.AwsOkAsync(Ct, "describe-services", "--cluster", cluster, "--services", "no-such-service");
        Assert.Empty(services["services"]!.AsArray());
        Assert.Equal("MISSING", services["failures"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal($"arn:aws:ecs:us-east-1:000000000000:service/{cluster}/no-such-service", services["failures"]![0]!["arn"]!.GetValue<string>());
        var clusters = await e.AwsOkAsync(Ct, "describe-clusters", "--clusters", cluster, "no-such-cluster");
        Assert.Equal(cluster, clusters["clusters"]![0]!["clusterName"]!.GetValue<string>());
        Assert.Equal("MISSING", clusters["failures"]![0]!["reason"]!.GetValue<string>());
        var tasks = await e.AwsOkAsync(Ct, "describe-tasks", "--cluster", cluster, "--tasks", "0123456789abcdef0123456789abcdef");
        Assert.Equal("MISSING", tasks["failures"]![0]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Creating_a_service_twice_is_not_idempotent_and_a_cluster_twice_is()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("twice", Ct);
        Assert.Equal(cluster, (await e.AwsOkAsync(Ct, "create-cluster", "--cluster-name", cluster))["cluster"]!["clusterName"]!.GetValue<string>());
        var definition = await e.RegisterAsync(EcsEndpoint.Definition(cluster + "-app"), Ct);
        await e.AwsOkAsync(Ct, "create-service", "--cluster", cluster, "--service-name", "web", "--task-definition", definition, "--desired-count", "0");
        var r = await e.AwsAsync(Ct, "create-service", "--cluster", cluster, "--service-name", "web", "--task-definition", definition, "--desired-count", "0");
        EcsCli.FailsWith(r, "InvalidParameterException");
        Assert.Contains("Creation of service was not idempotent.", r.Stderr);
    }

    [Fact]
    public async Task A_request_signed_for_ecr_is_refused_by_ecs()
    {
        var e = await endpoint.StartedAsync();
        var r = await SignedEcrClient.CallAsync(e.Url, e.Key, "ListTaskDefinitions", new { }, Ct, target: "AmazonEC2ContainerServiceV20141113.ListTaskDefinitions");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, r.Status);
        Assert.Equal("InvalidSignatureException", r.ErrorTypeHeader);
        Assert.Contains("Credential should be scoped to correct service: 'ecs'", r.Body.GetProperty("message").GetString());
    }
}
