using System.Text.Json.Nodes;
using AwsEndpoint.Ecs;

namespace AwsEndpoint.Tests.Ecs;

/// <summary>The pure parts: AWS's circuit-breaker threshold and rolling-update limits, and how a container
/// definition becomes an Engine API create body.</summary>
public sealed class SchedulerRulesTests
{
    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    [InlineData(6, 3)]
    [InlineData(7, 4)]
    [InlineData(10, 5)]
    [InlineData(399, 200)]
    [InlineData(1000, 200)]
    public void Failure_threshold_is_half_the_desired_count_rounded_up_between_3_and_200(int desired, int threshold) =>
        Assert.Equal(threshold, DeploymentRules.FailureThreshold(desired));

    [Theory]
    [InlineData(2, 200, 4)]
    [InlineData(3, 150, 4)]
    [InlineData(2, 100, 2)]
    [InlineData(2, null, 4)]
    public void Maximum_tasks_is_maximum_percent_of_desired_rounded_down(int desired, int? percent, int max) =>
        Assert.Equal(max, DeploymentRules.MaximumTasks(desired, percent));

    [Theory]
    [InlineData(2, 50, 1)]
    [InlineData(3, 50, 2)]
    [InlineData(2, 100, 2)]
    [InlineData(2, 0, 0)]
    public void Minimum_healthy_tasks_is_minimum_healthy_percent_of_desired_rounded_up(int desired, int? percent, int min) =>
        Assert.Equal(min, DeploymentRules.MinimumHealthyTasks(desired, percent));

    [Fact]
    public void A_container_definition_maps_to_a_create_body_published_on_loopback_with_its_health_check_and_labels()
    {
        var definition = JsonNode.Parse("""
            {"family":"web","revision":7,"containerDefinitions":[{"name":"app","image":"127.0.0.1:5000/app:1",
             "command":["node","index.js"],"entryPoint":["tini","--"],"environment":[{"name":"A","value":"1"},{"name":"B","value":"x=y"}],
             "portMappings":[{"containerPort":3000},{"containerPort":8125,"hostPort":18125,"protocol":"udp"}],
             "healthCheck":{"command":["CMD","curl","-f","http://localhost/"],"interval":10,"retries":2},
             "memory":256,"cpu":128,"stopTimeout":20,"dockerLabels":{"team":"web","pipeline.sandbox":"no"},
             "linuxParameters":{"initProcessEnabled":true},"secrets":[{"name":"S","valueFrom":"arn:aws:ssm:us-east-1:000000000000:parameter/s"}]}]}
            """)!.AsObject();
        var container = definition["containerDefinitions"]![0]!.AsObject();
        var body = TaskContainerSpec.CreateBody(definition, container, new TaskIdentity("inst", "prod", "web", "0123456789abcdef0123456789abcdef", "arn:task"), "ecs-prod");

        Assert.Equal("127.0.0.1:5000/app:1", body["Image"]!.GetValue<string>());
        Assert.Equal(["node", "index.js"], body["Cmd"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(["tini", "--"], body["Entrypoint"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(["A=1", "B=x=y"], body["Env"]!.AsArray().Select(x => x!.GetValue<string>())); // secrets are not resolved
        Assert.Equal("""{"Test":["CMD","curl","-f","http://localhost/"],"Interval":10000000000,"Timeout":5000000000,"Retries":2,"StartPeriod":0}""", body["Healthcheck"]!.ToJsonString());
        var host = body["HostConfig"]!;
        Assert.Equal("""{"3000/tcp":[{"HostIp":"127.0.0.1","HostPort":""}],"8125/udp":[{"HostIp":"127.0.0.1","HostPort":"18125"}]}""", host["PortBindings"]!.ToJsonString());
        Assert.Equal(256L * 1024 * 1024, host["Memory"]!.GetValue<long>());
        Assert.Equal(128, host["CpuShares"]!.GetValue<long>());
        Assert.True(host["Init"]!.GetValue<bool>());
        Assert.Equal("ecs-prod", host["NetworkMode"]!.GetValue<string>());
        Assert.Equal(20, body["StopTimeout"]!.GetValue<long>());
        var labels = body["Labels"]!;
        Assert.Equal("web", labels["team"]!.GetValue<string>());
        Assert.Equal("true", labels["pipeline.sandbox"]!.GetValue<string>()); // ours win over the definition's
        Assert.Equal("prod", labels["pipeline.ecs.cluster"]!.GetValue<string>());
        Assert.Equal("web", labels["pipeline.ecs.service"]!.GetValue<string>());
        Assert.Equal("0123456789abcdef0123456789abcdef", labels["pipeline.ecs.task"]!.GetValue<string>());
        Assert.Equal("inst", labels[TaskContainerSpec.InstanceLabel]!.GetValue<string>());
        Assert.Equal("7", labels["com.amazonaws.ecs.task-definition-version"]!.GetValue<string>());
        Assert.Equal(["app"], body["NetworkingConfig"]!["EndpointsConfig"]!["ecs-prod"]!["Aliases"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal("ecs-web-7-app-0123456789ab", TaskContainerSpec.ContainerName(definition, "app", "0123456789abcdef0123456789abcdef"));
    }
}
