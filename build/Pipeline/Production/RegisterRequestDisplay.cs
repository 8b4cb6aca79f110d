using System.Text.Json.Nodes;
using Pipeline.Aws;

namespace Pipeline.Production;

/// <summary>
/// How --dryrun shows the RegisterTaskDefinition call it would make: the request as it would be sent, except the
/// values copied from the live task definition that may be secrets. Environment values can be anything (a database
/// URL with its password, an API key), and log and FireLens driver options carry tokens (splunk-token, apikey), so
/// only their names are shown. Secrets proper are ARNs in valueFrom and stay visible.
/// </summary>
public static class RegisterRequestDisplay
{
    public const string Hidden = "<not shown>";

    public static string Describe(AwsServiceEndpoint endpoint, JsonObject request) =>
        AwsJsonClient.Describe(endpoint, "RegisterTaskDefinition", Masked(request));

    /// <summary>A copy of the request with those values replaced; the request itself is sent unchanged.</summary>
    public static JsonObject Masked(JsonObject request)
    {
        var copy = request.DeepClone().AsObject();
        foreach (var container in (copy["containerDefinitions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var variable in (container["environment"] as JsonArray ?? []).OfType<JsonObject>())
                if (variable.ContainsKey("value")) variable["value"] = Hidden;
            HideValues(container["logConfiguration"]?["options"] as JsonObject);
            HideValues(container["firelensConfiguration"]?["options"] as JsonObject);
        }
        return copy;
    }

    private static void HideValues(JsonObject? options)
    {
        if (options is null) return;
        foreach (var name in options.Select(o => o.Key).ToList()) options[name] = Hidden;
    }
}
