using System.Text.Json;
using Docker.DotNet.Models;

namespace Pipeline.Docker;

/// <summary>What the pipeline reads from the engine's progress messages (pull, push, build, load), as the library parses them.</summary>
internal static class ProgressMessages
{
    /// <summary>The error a message carries. Inside a 200 response a failure is such a message: the headers went out first.</summary>
    public static string? ErrorText(this JSONMessage message) =>
        message.Error?.Message is { Length: > 0 } text ? text : null;

    /// <summary>A string member of the aux object: the built image's "ID", the pushed manifest's "Digest".</summary>
    public static string? AuxString(this JSONMessage message, string key) =>
        message.Aux?.ExtensionData?.TryGetValue(key, out var value) == true && value is JsonElement { ValueKind: JsonValueKind.String } text
            ? text.GetString()
            : null;
}

/// <summary>
/// Receives a stream's messages from the library as they arrive: each one tells the idle watchdog that the engine
/// is alive, the first error is kept for the caller to report, and the rest go to <paramref name="observe"/>.
/// </summary>
internal sealed class ProgressSink(IdleWatchdog watchdog, Action<JSONMessage> observe) : IProgress<JSONMessage>
{
    public string? Error { get; private set; }

    public void Report(JSONMessage value)
    {
        watchdog.Touch();
        if (Error is not null) return;
        if (value.ErrorText() is { } error) Error = error;
        else observe(value);
    }
}
