using System.Text.Json.Nodes;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>What a person exploring the sandbox with `aws ecs` lists first: clusters, services, task definition
/// families. The CLI follows nextToken by itself, so a listing longer than one page proves the paging round trip;
/// every raw answer is checked against the model by <see cref="EcsEndpoint.OkAsync"/>.</summary>
public sealed class EcsListCliTests(EcsEndpoint endpoint)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<string> Strings(JsonNode node, string member) => node[member]!.AsArray().Select(x => x!.GetValue<string>()).ToList();

    [Fact]
    public async Task List_clusters_shows_the_clusters_across_pages()
    {
        var e = await endpoint.StartedAsync();
        string[] mine = [await e.NewClusterAsync("list", Ct), await e.NewClusterAsync("list", Ct)];
        var arns = mine.Select(c => $"arn:aws:ecs:us-east-1:000000000000:cluster/{c}").ToList();

        // Other tests create clusters on this endpoint at the same time: assert on ours, not on the whole list.
        var listed = Strings(await e.AwsOkAsync(Ct, "list-clusters"), "clusterArns");
        Assert.All(arns, a => Assert.Contains(a, listed));
        var paged = Strings(await e.AwsOkAsync(Ct, "list-clusters", "--page-size", "1"), "clusterArns");
        Assert.All(arns, a => Assert.Contains(a, paged));

        var first = await e.OkAsync("ListClusters", new { maxResults = 1 }, Ct);
        Assert.Single(first["clusterArns"]!.AsArray());
        Assert.NotNull(first["nextToken"]);
    }

    [Fact]
    public async Task List_services_pages_by_ten_and_filters_by_launch_type_and_scheduling_strategy()
    {
        var e = await endpoint.StartedAsync();
        var cluster = await e.NewClusterAsync("lsvc", Ct);
        var definition = await e.RegisterAsync(EcsEndpoint.Definition(cluster + "-app"), Ct);
        // desiredCount 0: services that launch nothing, so the test only lists.
        var names = Enumerable.Range(0, 12).Select(i => $"svc-{i:D2}").ToList();
        foreach (var name in names) await e.OkAsync("CreateService", new { cluster, serviceName = name, taskDefinition = definition, desiredCount = 0 }, Ct);
        var arns = names.Select(n => $"arn:aws:ecs:us-east-1:000000000000:service/{cluster}/{n}").ToList();

        Assert.Equal(arns, Strings(await e.AwsOkAsync(Ct, "list-services", "--cluster", cluster), "serviceArns"));
        var firstPage = await e.OkAsync("ListServices", new { cluster }, Ct);
        Assert.Equal(arns.Take(10), Strings(firstPage, "serviceArns")); // the model's default page: 10
        var rest = await e.OkAsync("ListServices", new { cluster, nextToken = firstPage["nextToken"]!.GetValue<string>() }, Ct);
        Assert.Equal(arns.Skip(10), Strings(rest, "serviceArns"));
        Assert.Null(rest["nextToken"]);

        var five = await e.AwsOkAsync(Ct, "list-services", "--cluster", cluster, "--max-items", "5");
        Assert.Equal(arns.Take(5), Strings(five, "serviceArns"));
        var after = await e.AwsOkAsync(Ct, "list-services", "--cluster", cluster, "--starting-token", five["NextToken"]!.GetValue<string>());
        Assert.Equal(arns.Skip(5), Strings(after, "serviceArns"));

        Assert.Equal(arns, Strings(await e.AwsOkAsync(Ct, "list-services", "--cluster", cluster, "--launch-type", "EC2", "--scheduling-strategy", "REPLICA"), "serviceArns"));
        Assert.Empty(Strings(await e.AwsOkAsync(Ct, "list-services", "--cluster", cluster, "--launch-type", "FARGATE"), "serviceArns"));
        Assert.Empty(Strings(await e.AwsOkAsync(Ct, "list-services", "--cluster", cluster, "--scheduling-strategy", "DAEMON"), "serviceArns"));
        EcsCli.FailsWith(await e.AwsAsync(Ct, "list-services", "--cluster", "no-such-cluster"), "ClusterNotFoundException");
    }

    [Fact]
    public async Task List_task_definition_families_filters_by_prefix_and_status()
    {
        var e = await endpoint.StartedAsync();
        var prefix = "t-fam-" + Fixtures.TestEndpoint.RandomText(6, "abcdefghijklmnopqrstuvwxyz0123456789");
        foreach (var family in new[] { prefix + "-c", prefix + "-a", prefix + "-b", "x" + prefix }) await e.RegisterAsync(EcsEndpoint.Definition(family), Ct);
        var gone = await e.RegisterAsync(EcsEndpoint.Definition(prefix + "-b"), Ct);
        await e.OkAsync("DeregisterTaskDefinition", new { taskDefinition = prefix + "-b:1" }, Ct);
        await e.OkAsync("DeregisterTaskDefinition", new { taskDefinition = gone }, Ct);

        async Task<List<string>> Families(params string[] args) =>
            Strings(await e.AwsOkAsync(Ct, ["list-task-definition-families", "--family-prefix", prefix, .. args]), "families");
        Assert.Equal([prefix + "-a", prefix + "-b", prefix + "-c"], await Families()); // ALL by default, sorted
        Assert.Equal([prefix + "-a", prefix + "-b", prefix + "-c"], await Families("--status", "ALL", "--page-size", "1"));
        Assert.Equal([prefix + "-a", prefix + "-c"], await Families("--status", "ACTIVE"));
        Assert.Equal([prefix + "-b"], await Families("--status", "INACTIVE"));

        var everything = Strings(await e.AwsOkAsync(Ct, "list-task-definition-families"), "families");
        Assert.Contains("x" + prefix, everything);
        Assert.Contains(prefix + "-a", everything);
        // ListTaskDefinitions' familyPrefix is a whole family name (the model says so), unlike this one's.
        var definitions = Strings(await e.AwsOkAsync(Ct, "list-task-definitions", "--family-prefix", prefix + "-b", "--status", "INACTIVE"), "taskDefinitionArns");
        Assert.Equal([$"arn:aws:ecs:us-east-1:000000000000:task-definition/{prefix}-b:1", gone], definitions);
        Assert.Empty(Strings(await e.AwsOkAsync(Ct, "list-task-definitions", "--family-prefix", prefix), "taskDefinitionArns"));
    }
}
