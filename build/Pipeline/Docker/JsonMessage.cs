using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Docker;

/// <summary>
/// One line of the engine's progress stream (pull, push, build, load), as the engine's jsonmessage package writes it.
/// A failure arrives as a line with <see cref="Error"/> inside a 200 response, because the headers went out first.
/// </summary>
public sealed record JsonMessage
{
    [JsonPropertyName("status")] public string? Status { get; init; }

    [JsonPropertyName("id")] public string? Id { get; init; }

    [JsonPropertyName("progress")] public string? Progress { get; init; }

    [JsonPropertyName("progressDetail")] public JsonProgressDetail? ProgressDetail { get; init; }

    [JsonPropertyName("stream")] public string? Stream { get; init; }

    [JsonPropertyName("error")] public string? Error { get; init; }

    [JsonPropertyName("errorDetail")] public JsonErrorDetail? ErrorDetail { get; init; }

    [JsonPropertyName("aux")] public JsonElement? Aux { get; init; }

    /// <summary>The error text, preferring errorDetail.message (the engine fills both; older ones only one).</summary>
    public string? ErrorMessage => ErrorDetail?.Message is { Length: > 0 } detail ? detail : Error;

    public static JsonMessage? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        try
        {
            return JsonSerializer.Deserialize<JsonMessage>(line);
        }
        catch (JsonException)
        {
            // Not every engine line is JSON (a proxy's error page, a plugin's stray print); keep it as plain text.
            return new JsonMessage { Stream = line };
        }
    }
}

public sealed record JsonProgressDetail
{
    [JsonPropertyName("current")] public long? Current { get; init; }

    [JsonPropertyName("total")] public long? Total { get; init; }
}

public sealed record JsonErrorDetail
{
    [JsonPropertyName("code")] public int? Code { get; init; }

    [JsonPropertyName("message")] public string? Message { get; init; }
}
