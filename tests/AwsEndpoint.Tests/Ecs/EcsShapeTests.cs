using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using AwsEndpoint.Ecs;
using AwsEndpoint.Ecs.Shapes;
using AwsEndpoint.Tests.Shapes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>Drift guard: the endpoint's ECS records and its live answers to every operation against the official
/// ecs/2014-11-13/service-2.json that Debian's awscli ships.</summary>
public sealed class EcsShapeTests(EcsEndpoint endpoint)
{
    private static readonly ServiceModel Model = EcsEndpoint.Model;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    // Records whose name differs from the model's shape (Task would shadow System.Threading.Tasks.Task).
    private static readonly Dictionary<string, string> Renamed = new() { ["TaskDescription"] = "Task" };
    private static readonly string[] CommonErrors =
    [
        "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException", "MissingAuthenticationTokenException",
        "UnknownOperationException", "SerializationException", "ValidationException", "InternalFailure",
    ];

    private static EcsService Service() => new(new EcsState(new EndpointOptions { StateDir = Path.GetTempPath() }, TimeProvider.System));

    [Fact]
    public void Service_uses_the_models_target_prefix_and_signing_name()
    {
        var service = Service();
        Assert.Equal(Model.Metadata("targetPrefix"), service.TargetPrefix);
        // No signingName in this model's metadata: SigV4 then signs with the endpointPrefix (botocore does the same).
        Assert.Equal(Model.Metadata("endpointPrefix"), service.SigningName);
        Assert.All(service.Operations.Keys, op => Model.Operation(op));
    }

    public static TheoryData<string> ShapeRecords() =>
        new(typeof(Cluster).Assembly.GetTypes().Where(t => t.Namespace == typeof(Cluster).Namespace && t.IsPublic).Select(t => t.Name));

    [Theory]
    [MemberData(nameof(ShapeRecords))]
    public void Every_member_of_a_shape_record_exists_in_the_model_shape_of_the_same_name(string record)
    {
        var shape = Renamed.GetValueOrDefault(record, record);
        Assert.True(Model.HasShape(shape), $"{shape} is not a shape of the ECS model");
        var type = typeof(Cluster).Assembly.GetTypes().Single(t => t.Namespace == typeof(Cluster).Namespace && t.Name == record);
        var members = Model.Members(shape);
        var missing = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Where(n => !members.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"{record} has members the model does not: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_operation_has_request_and_response_records_named_as_in_the_model()
    {
        foreach (var op in Service().Operations.Keys)
        {
            Assert.Equal(op + "Request", Model.InputShape(op));
            Assert.Equal(op + "Response", Model.OutputShape(op));
            Assert.NotNull(typeof(Cluster).Assembly.GetType($"{typeof(Cluster).Namespace}.{op}Response"));
        }
    }

    [Fact]
    public async Task Live_answers_of_every_operation_match_their_output_shapes()
    {
        // OkAsync checks each answer against the model; this walks every operation, stopped tasks included.
        var e = await endpoint.StartedAsync();
        var cluster = "t-shape-" + Fixtures.TestEndpoint.RandomText(6, "abcdefghijklmnopqrstuvwxyz0123456789");
        var seen = new HashSet<string>();
        async Task<System.Text.Json.Nodes.JsonNode> Call(string op, object input) { seen.Add(op); return await e.OkAsync(op, input, Ct); }

        await Call("CreateCluster", new { clusterName = cluster, tags = new[] { new { key = "k", value = "v" } } });
        await Call("DescribeClusters", new { clusters = new[] { cluster, "no-such-cluster" }, include = new[] { "TAGS" } });
        var rich = RichTaskDefinition.Create(cluster + "-rich");
        await Call("RegisterTaskDefinition", rich);
        await Call("DescribeTaskDefinition", new { taskDefinition = cluster + "-rich", include = new[] { "TAGS" } });
        var arn = (await Call("RegisterTaskDefinition", EcsEndpoint.Definition(cluster + "-app")))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        await Call("ListTaskDefinitions", new { familyPrefix = cluster + "-app", sort = "DESC", maxResults = 1 });
        await Call("ListTaskDefinitionFamilies", new { familyPrefix = cluster, status = "ACTIVE", maxResults = 1 });
        await Call("CreateService", new
        {
            cluster, serviceName = "web", taskDefinition = arn, desiredCount = 1, tags = new[] { new { key = "k", value = "v" } },
            deploymentConfiguration = new { deploymentCircuitBreaker = new { enable = true, rollback = true }, maximumPercent = 200, minimumHealthyPercent = 50 },
        });
        seen.Add("DescribeServices");
        await e.WaitAsync(cluster, "web", s => EcsEndpoint.Primary(s)["rolloutState"]!.GetValue<string>() == "COMPLETED", TimeSpan.FromSeconds(90), Ct);
        await Call("DescribeServices", new { cluster, services = new[] { "web", "no-such-service" }, include = new[] { "TAGS" } });
        await Call("ListServices", new { cluster, launchType = "EC2", schedulingStrategy = "REPLICA", maxResults = 1 });
        await Call("ListClusters", new { maxResults = 1 });
        await Call("UpdateService", new { cluster, service = "web", desiredCount = 0 });
        var stopped = await e.WaitStoppedAsync(cluster, 1, Ct);
        seen.Add("ListTasks");
        seen.Add("DescribeTasks");
        await Call("ListTasks", new { cluster, serviceName = "web", desiredStatus = "STOPPED", maxResults = 10 });
        await Call("DescribeTasks", new { cluster, tasks = stopped.Append("no-such-task").ToArray(), include = new[] { "TAGS" } });
        await Call("DeregisterTaskDefinition", new { taskDefinition = arn });
        Assert.Equal(Service().Operations.Keys.Order(), seen.Order());
    }

    [Theory]
    [InlineData("DescribeServices", """{"cluster":"no-such-cluster","services":["web"]}""", "ClusterNotFoundException")]
    [InlineData("UpdateService", """{"cluster":"no-such-cluster","service":"web"}""", "ClusterNotFoundException")]
    [InlineData("ListTasks", """{"cluster":"no-such-cluster"}""", "ClusterNotFoundException")]
    [InlineData("DescribeTaskDefinition", """{"taskDefinition":"no-such-family:1"}""", "ClientException")]
    [InlineData("RegisterTaskDefinition", """{"family":"bad family!","containerDefinitions":[{"name":"a","image":"b"}]}""", "ClientException")]
    [InlineData("RegisterTaskDefinition", """{"family":"f","containerDefinitions":[{"name":"a"}]}""", "ClientException")]
    [InlineData("CreateCluster", """{"clusterName":"bad name!"}""", "InvalidParameterException")]
    [InlineData("ListTaskDefinitions", """{"status":"GONE"}""", "ValidationException")]
    [InlineData("ListTaskDefinitionFamilies", """{"status":"GONE"}""", "ValidationException")]
    [InlineData("ListServices", """{"cluster":"no-such-cluster"}""", "ClusterNotFoundException")]
    [InlineData("ListServices", """{"launchType":"MOON"}""", "ValidationException")]
    [InlineData("ListClusters", """{"maxResults":101}""", "InvalidParameterException")]
    [InlineData("DescribeServices", """{}""", "ValidationException")]
    public async Task Errors_are_modeled_codes_in_body_and_header(string op, string input, string code)
    {
        var e = await endpoint.StartedAsync();
        var r = await e.CallAsync(op, input, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal(code, r.Body.GetProperty("__type").GetString());
        Assert.Equal(code, r.ErrorTypeHeader);
        Assert.False(string.IsNullOrEmpty(r.Body.GetProperty("message").GetString()));
        Assert.Contains(code, Model.Errors(op).Concat(CommonErrors));
    }
}
