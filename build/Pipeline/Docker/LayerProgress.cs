using System.Text.RegularExpressions;
using Pipeline.Cli;

namespace Pipeline.Docker;

/// <summary>
/// Turns pull/push/load progress lines into log lines: one throttled line per layer while it moves, a final one when
/// it is done, and the image-level lines as notes. It also remembers the digest the registry reported.
/// </summary>
internal sealed partial class LayerProgress
{
    // The statuses after which the engine says nothing more about a layer.
    private static readonly string[] DoneStatuses =
        ["Pull complete", "Already exists", "Pushed", "Layer already exists", "Mounted from", "Loading layer done"];

    public string? Digest { get; private set; }

    public void Observe(JsonMessage message)
    {
        if (message.Aux is { ValueKind: System.Text.Json.JsonValueKind.Object } aux &&
            aux.TryGetProperty("Digest", out var digest) && digest.ValueKind == System.Text.Json.JsonValueKind.String)
            Digest = digest.GetString();

        var status = message.Status;
        if (string.IsNullOrEmpty(status)) return;
        if (DigestInStatus().Match(status) is { Success: true } match) Digest ??= match.Groups[1].Value;

        if (!IsLayer(message))
        {
            Log.Note(message.Id is null ? status : $"{message.Id}: {status}");
            return;
        }
        var final = DoneStatuses.Any(done => status.StartsWith(done, StringComparison.Ordinal));
        Log.Progress(message.Id!, $"{message.Id}: {status}{Amount(message.ProgressDetail)}", final);
    }

    // "Pulling from repo" and "latest: digest: ..." carry an id that is a tag, not a layer.
    private static bool IsLayer(JsonMessage message) =>
        message.Id is { Length: > 0 } && !message.Status!.StartsWith("Pulling from", StringComparison.Ordinal);

    internal static string Amount(JsonProgressDetail? detail)
    {
        if (detail?.Current is not { } current) return "";
        return detail.Total is { } total and > 0 ? $" {Size(current)} / {Size(total)}" : $" {Size(current)}";
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
        _ => $"{bytes} B",
    };

    [GeneratedRegex(@"digest: (sha256:[0-9a-f]{64})", RegexOptions.IgnoreCase)]
    private static partial Regex DigestInStatus();
}
