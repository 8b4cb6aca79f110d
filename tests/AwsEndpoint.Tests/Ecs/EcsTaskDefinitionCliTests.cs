using System.Text.Json.Nodes;
using AwsEndpoint.Ecs;
using AwsEndpoint.Tests.Fixtures;
using AwsEndpoint.Tests.Shapes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>Task definitions through `aws ecs`: every member survives register → describe, revisions, references
/// by family / family:revision / ARN, deregistering and listing.</summary>
public sealed class EcsTaskDefinitionCliTests(EcsEndpoint endpoint)
{
    private static readonly ServiceModel Model = ServiceModel.Load(EcsModel.Path);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // What ECS itself fills in for container members a caller leaves out (and nothing else may appear).
    private static readonly string[] ContainerDefaults = ["cpu", "essential", "environment", "mountPoints", "volumesFrom", "portMappings"];

    private static string Family(string what) => $"t-{what}-{TestEndpoint.RandomText(6, "abcdefghijklmnopqrstuvwxyz0123456789")}";

    [Fact]
    public async Task Register_then_describe_with_tags_returns_every_member_of_a_rich_definition_unchanged()
    {
        var e = await endpoint.StartedAsync();
        var input = RichTaskDefinition.Create(Family("rich"));
        var members = Model.Members(Model.InputShape("RegisterTaskDefinition"));
        Assert.Equal(members.Order(), input.Select(p => p.Key).Order()); // the fixture really uses every member

        var arn = await e.RegisterWithCliAsync(input, Ct);
        var described = await e.AwsOkAsync(Ct, "describe-task-definition", "--task-definition", arn, "--include", "TAGS");
        var output = described["taskDefinition"]!.AsObject();

        foreach (var member in members)
        {
            if (member == "tags") { Assert.True(JsonNode.DeepEquals(input["tags"], described["tags"]), $"tags: {described["tags"]}"); continue; }
            if (member == "containerDefinitions") continue;
            Assert.True(JsonNode.DeepEquals(input[member], output[member]), $"{member}: sent {input[member]?.ToJsonString()}, got {output[member]?.ToJsonString()}");
        }
        var containerMembers = Model.Members("ContainerDefinition");
        var sent = input["containerDefinitions"]!.AsArray();
        var got = output["containerDefinitions"]!.AsArray();
        Assert.Equal(sent.Count, got.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            var s = sent[i]!.AsObject();
            var g = got[i]!.AsObject();
            foreach (var member in containerMembers.Where(s.ContainsKey))
                Assert.True(JsonNode.DeepEquals(s[member], g[member]), $"containerDefinitions[{i}].{member}: sent {s[member]?.ToJsonString()}, got {g[member]?.ToJsonString()}");
            var added = g.Select(p => p.Key).Except(s.Select(p => p.Key)).ToList();
            Assert.True(added.All(ContainerDefaults.Contains), $"containerDefinitions[{i}] gained {string.Join(", ", added)}");
        }

        Assert.Equal(arn, output["taskDefinitionArn"]!.GetValue<string>());
        Assert.Equal(1, output["revision"]!.GetValue<int>());
        Assert.Equal("ACTIVE", output["status"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::000000000000:root", output["registeredBy"]!.GetValue<string>());
        Assert.Contains("EC2", output["compatibilities"]!.AsArray().Select(c => c!.GetValue<string>()));
        var attributes = output["requiresAttributes"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("ecs.capability.container-health-check", attributes);
        Assert.Contains("com.amazonaws.ecs.capability.logging-driver.awslogs", attributes);
        Assert.Contains("ecs.capability.secrets.ssm.environment-variables", attributes);
        // Without --include TAGS there are no tags, as in AWS.
        Assert.Null((await e.AwsOkAsync(Ct, "describe-task-definition", "--task-definition", arn))["tags"]);
    }

    [Fact]
    public void The_registered_member_list_is_the_models()
    {
        Assert.Equal(Model.Members(Model.InputShape("RegisterTaskDefinition")).Order(), TaskDefinitionRegistry.RegisterMembers.Order());
    }

    [Fact]
    public async Task Revisions_count_up_and_references_by_family_revision_and_arn_resolve()
    {
        var e = await endpoint.StartedAsync();
        var family = Family("rev");
        var first = await e.RegisterWithCliAsync(EcsEndpoint.Definition(family), Ct);
        var second = await e.RegisterAsync(EcsEndpoint.Definition(family, ["node", "-e", "setInterval(()=>{},1000)"]), Ct);
        Assert.Equal($"arn:aws:ecs:us-east-1:000000000000:task-definition/{family}:1", first);
        Assert.Equal($"arn:aws:ecs:us-east-1:000000000000:task-definition/{family}:2", second);

        // The CLI for what it adds (argument parsing, paging); signed calls for the plain lookups (the CLI is slow).
        async Task<string> Resolve(string reference) =>
            (await e.OkAsync("DescribeTaskDefinition", new { taskDefinition = reference }, Ct))["taskDefinition"]!["taskDefinitionArn"]!.GetValue<string>();
        Assert.Equal(second, await Resolve(family));
        Assert.Equal(first, await Resolve(family + ":1"));
        Assert.Equal(first, await Resolve(first));

        var gone = await e.AwsOkAsync(Ct, "deregister-task-definition", "--task-definition", family + ":2");
        Assert.Equal("INACTIVE", gone["taskDefinition"]!["status"]!.GetValue<string>());
        Assert.NotNull(gone["taskDefinition"]!["deregisteredAt"]);
        Assert.Equal(first, await Resolve(family)); // the family now means its latest ACTIVE revision
        Assert.Equal("INACTIVE", (await e.OkAsync("DescribeTaskDefinition", new { taskDefinition = second }, Ct))["taskDefinition"]!["status"]!.GetValue<string>());

        async Task<List<string>> List(string? status = null, string? sort = null) =>
            (await e.OkAsync("ListTaskDefinitions", new { familyPrefix = family, status, sort }, Ct))["taskDefinitionArns"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal([first], await List());
        Assert.Equal([second], await List("INACTIVE"));
        var third = await e.RegisterAsync(EcsEndpoint.Definition(family), Ct);
        Assert.Equal([third, first], await List(sort: "DESC"));
        Assert.Equal([first, third], await List(sort: "ASC"));
        var paged = await e.AwsOkAsync(Ct, "list-task-definitions", "--family-prefix", family, "--page-size", "1"); // the CLI follows nextToken
        Assert.Equal([first, third], paged["taskDefinitionArns"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task A_missing_task_definition_is_ClientException_Unable_to_describe_task_definition()
    {
        var e = await endpoint.StartedAsync();
        var r = await e.AwsAsync(Ct, "describe-task-definition", "--task-definition", Family("missing") + ":1");
        EcsCli.FailsWith(r, "ClientException");
        Assert.Contains("Unable to describe task definition.", r.Stderr);
    }
}
