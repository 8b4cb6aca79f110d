using System.Text.Json.Nodes;
using Pipeline.Aws;
using Pipeline.Production;

namespace Pipeline.Tests.Production;

/// <summary>
/// The dry run of DeployProduction prints the RegisterTaskDefinition call it would make. The live task definition's
/// environment values may be anything (a database URL with its password, an API key), so they are never printed;
/// names are, and what changes.
/// </summary>
public sealed class RegisterRequestDisplayTests
{
    private const string DatabaseUrl = "postgres://app:Pa55-from-env@db.internal:5432/app";
    private const string ApiKey = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    private const string SplunkToken = "00112233-4455-6677-8899-aabbccddeeff";
    private const string NewImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-app:master-2222222";

    private static readonly string Described = $$"""
    {
      "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-app:7",
      "family": "sample-app", "revision": 7, "status": "ACTIVE", "networkMode": "awsvpc",
      "containerDefinitions": [
        {
          "name": "app", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-app:master-1111111",
          "environment": [{ "name": "DATABASE_URL", "value": "{{DatabaseUrl}}" }, { "name": "NODE_ENV", "value": "production" }],
          "secrets": [{ "name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db" }],
          "logConfiguration": { "logDriver": "splunk", "options": { "splunk-url": "https://splunk.internal:8088", "splunk-token": "{{SplunkToken}}" } }
        },
        {
          "name": "log-router", "image": "fluent/fluent-bit:2.1",
          "environment": [{ "name": "STRIPE_KEY", "value": "{{ApiKey}}" }],
          "firelensConfiguration": { "type": "fluentbit", "options": { "apikey": "{{ApiKey}}" } }
        }
      ]
    }
    """;

    private static (TaskDefinitionClone.Result Clone, string Shown) Render()
    {
        var clone = TaskDefinitionClone.Clone(JsonNode.Parse(Described)!.AsObject(), null, c => (string?)c["name"] == "app", NewImage);
        return (clone, RegisterRequestDisplay.Describe(AwsServiceEndpoint.Ecs("us-east-1", _ => null), clone.Request));
    }

    [Fact]
    public void Environment_values_of_every_container_are_not_printed_but_their_names_are()
    {
        var (_, shown) = Render();
        Assert.StartsWith("ECS RegisterTaskDefinition {", shown);
        Assert.DoesNotContain(DatabaseUrl, shown);
        Assert.DoesNotContain("Pa55-from-env", shown);
        Assert.DoesNotContain(ApiKey, shown);
        Assert.Contains("DATABASE_URL", shown);
        Assert.Contains("STRIPE_KEY", shown);
        Assert.Contains(NewImage, shown);
    }

    [Fact]
    public void Log_driver_options_are_not_printed_either_since_they_carry_tokens()
    {
        var (_, shown) = Render();
        Assert.DoesNotContain(SplunkToken, shown);
        Assert.Contains("splunk-token", shown);
    }

    [Fact]
    public void Secrets_are_references_and_stay_visible()
    {
        var (_, shown) = Render();
        Assert.Contains("arn:aws:ssm:us-east-1:123456789012:parameter/db", shown);
    }

    [Fact]
    public void The_request_itself_keeps_every_value()
    {
        var (clone, _) = Render();
        var app = clone.Request["containerDefinitions"]![0]!;
        Assert.Equal(DatabaseUrl, (string?)app["environment"]![0]!["value"]);
        Assert.Equal(SplunkToken, (string?)app["logConfiguration"]!["options"]!["splunk-token"]);
    }
}
