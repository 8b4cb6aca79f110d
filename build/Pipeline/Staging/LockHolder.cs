using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Staging;

/// <summary>Who holds a deploy lock: the content of the lock's holder.json on the first host.</summary>
public sealed record LockHolder(
    [property: JsonPropertyName("who")] string Who,
    [property: JsonPropertyName("when")] DateTimeOffset When,
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("runId")] string RunId)
{
    public static LockHolder ForThisRun(string target, string version, string runId, DateTimeOffset now) =>
        new($"{Environment.UserName}@{Environment.MachineName}", now, target, version, runId);

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Null for an empty or unreadable file (a holder that has made the lock but not written it yet).</summary>
    public static LockHolder? TryParse(string json)
    {
        try
        {
            return string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<LockHolder>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString() =>
        $"{Who} ({Target} of {Version}, run {RunId}, since {When.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)";
}
