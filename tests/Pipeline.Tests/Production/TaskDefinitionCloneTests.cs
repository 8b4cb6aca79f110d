using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Production;

namespace Pipeline.Tests.Production;

public class TaskDefinitionCloneTests
{
    private const string ModelPath = "/usr/lib/python3/dist-packages/awscli/botocore/data/ecs/2014-11-13/service-2.json";

    private static JsonObject Shapes()
    {
        Assert.True(File.Exists(ModelPath), $"The official ECS API model is missing at {ModelPath}: run sandbox/up.sh (it installs awscli).");
        return JsonNode.Parse(File.ReadAllText(ModelPath))!["shapes"]!.AsObject();
    }

    private static IEnumerable<string> Members(JsonObject shapes, string shape) =>
        shapes[shape]!["members"]!.AsObject().Select(m => m.Key);

    [Fact]
    public void The_copied_members_are_exactly_RegisterTaskDefinition_inputs_in_the_model() =>
        Assert.Equal(Members(Shapes(), "RegisterTaskDefinitionRequest").Order(), TaskDefinitionClone.RegisterMembers.Order());

    [Fact]
    public void The_dropped_members_are_exactly_the_described_ones_register_does_not_take()
    {
        var shapes = Shapes();
        var outputOnly = Members(shapes, "TaskDefinition").Except(Members(shapes, "RegisterTaskDefinitionRequest"));
        Assert.Equal(outputOnly.Order(), TaskDefinitionClone.OutputOnlyMembers.Order());
    }

    private static readonly string Rich = """
    {
      "taskDefinitionArn": "arn:aws:ecs:us-east-1:000000000000:task-definition/sample-app:7",
      "family": "sample-app", "revision": 7, "status": "ACTIVE",
      "taskRoleArn": "arn:aws:iam::000000000000:role/app", "executionRoleArn": "arn:aws:iam::000000000000:role/exec",
      "networkMode": "bridge", "cpu": "256", "memory": "512", "pidMode": "task", "ipcMode": "none",
      "requiresCompatibilities": ["EC2"], "compatibilities": ["EC2"],
      "requiresAttributes": [{ "name": "com.amazonaws.ecs.capability.logging-driver.awslogs" }],
      "registeredAt": 1700000000.5, "registeredBy": "arn:aws:iam::000000000000:user/ci",
      "placementConstraints": [{ "type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*" }],
      "volumes": [{ "name": "data", "host": { "sourcePath": "/srv/data" } }],
      "ephemeralStorage": { "sizeInGiB": 30 },
      "runtimePlatform": { "cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX" },
      "containerDefinitions": [
        {
          "name": "app", "image": "000000000000.dkr.ecr.us-east-1.amazonaws.com/sample-app:master-1111111",
          "essential": true, "cpu": 128, "memory": 256, "memoryReservation": 128,
          "portMappings": [{ "containerPort": 3000, "hostPort": 0, "protocol": "tcp" }],
          "environment": [{ "name": "NODE_ENV", "value": "production" }],
          "secrets": [{ "name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/db" }],
          "logConfiguration": { "logDriver": "awslogs", "options": { "awslogs-group": "/ecs/sample-app", "awslogs-region": "us-east-1" } },
          "healthCheck": { "command": ["CMD", "node", "healthcheck.js"], "interval": 10, "timeout": 5, "retries": 3, "startPeriod": 20 },
          "mountPoints": [{ "sourceVolume": "data", "containerPath": "/data", "readOnly": false }],
          "ulimits": [{ "name": "nofile", "softLimit": 1024, "hardLimit": 4096 }],
          "dockerLabels": { "team": "web" }
        },
        { "name": "log-router", "image": "fluent/fluent-bit:2.1", "essential": false, "firelensConfiguration": { "type": "fluentbit" } }
      ]
    }
    """;

    private static readonly JsonArray Tags = JsonNode.Parse("""[{ "key": "team", "value": "web" }, { "key": "cost-center", "value": "42" }]""")!.AsArray();

    private static TaskDefinitionClone.Result CloneRich() =>
        TaskDefinitionClone.Clone(JsonNode.Parse(Rich)!.AsObject(), Tags, c => (string?)c["name"] == "app", "registry/sample-app:master-2222222");

    [Fact]
    public void Every_register_member_comes_back_identical_except_the_app_image()
    {
        var described = JsonNode.Parse(Rich)!.AsObject();
        var request = CloneRich().Request;
        foreach (var member in TaskDefinitionClone.RegisterMembers.Where(m => m != "tags" && described.ContainsKey(m)))
        {
            var expected = described[member]!.DeepClone();
            if (member == "containerDefinitions") expected[0]!["image"] = "registry/sample-app:master-2222222";
            Assert.True(JsonNode.DeepEquals(expected, request[member]), $"{member} differs: {request[member]?.ToJsonString()}");
        }
        Assert.True(JsonNode.DeepEquals(Tags, request["tags"]));
    }

    [Fact]
    public void Read_only_members_are_not_sent_back()
    {
        var request = CloneRich().Request;
        foreach (var member in TaskDefinitionClone.OutputOnlyMembers) Assert.False(request.ContainsKey(member), member);
    }

    [Fact]
    public void Only_the_app_container_changes_image_and_the_change_is_reported()
    {
        var result = CloneRich();
        Assert.Equal("fluent/fluent-bit:2.1", (string?)result.Request["containerDefinitions"]![1]!["image"]);
        var change = Assert.Single(result.Changes);
        Assert.Equal(new TaskDefinitionClone.ImageChange("app", "000000000000.dkr.ecr.us-east-1.amazonaws.com/sample-app:master-1111111", "registry/sample-app:master-2222222"), change);
    }

    [Fact]
    public void A_member_unknown_to_the_model_is_reported_not_silently_dropped()
    {
        var described = JsonNode.Parse(Rich)!.AsObject();
        described["enableFaultInjection"] = true;
        var result = TaskDefinitionClone.Clone(described, null, c => (string?)c["name"] == "app", "x:1");
        Assert.Equal(["enableFaultInjection"], result.UnknownMembers);
    }

    [Fact]
    public void A_definition_without_the_app_container_is_refused()
    {
        var error = Assert.Throws<PipelineException>(() =>
            TaskDefinitionClone.Clone(JsonNode.Parse(Rich)!.AsObject(), null, c => (string?)c["name"] == "web", "x:1"));
        Assert.Contains("--ecs-container", error.Fix);
    }
}
