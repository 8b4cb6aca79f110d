using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using Pipeline.Cli;

namespace Pipeline.Docker;

/// <summary>
/// Turns pull/push/load progress messages into log lines: one throttled line per layer while it moves, a final one
/// when it is done, and the image-level lines as notes. It also remembers the digest the registry reported.
/// </summary>
internal sealed partial class LayerProgress
{
    // The statuses after which the engine says nothing more about a layer.
    private static readonly string[] DoneStatuses =
        ["Pull complete", "Already exists", "Pushed", "Layer already exists", "Mounted from", "Loading layer done"];

    public string? Digest { get; private set; }

    public void Observe(JSONMessage message)
    {
        if (message.AuxString("Digest") is { } digest) Digest = digest;

        var status = message.Status;
        if (string.IsNullOrEmpty(status)) return;
        if (DigestInStatus().Match(status) is { Success: true } match) Digest ??= match.Groups[1].Value;

        if (!IsLayer(message))
        {
            Log.Note(message.ID is null ? status : $"{message.ID}: {status}");
            return;
        }
        var final = DoneStatuses.Any(done => status.StartsWith(done, StringComparison.Ordinal));
        Log.Progress(message.ID!, $"{message.ID}: {status}{Amount(message.Progress?.Current, message.Progress?.Total)}", final);
    }

    // "Pulling from repo" and "latest: digest: ..." carry an id that is a tag, not a layer.
    private static bool IsLayer(JSONMessage message) =>
        message.ID is { Length: > 0 } && !message.Status!.StartsWith("Pulling from", StringComparison.Ordinal);

    internal static string Amount(long? current, long? total)
    {
        if (current is not { } done) return "";
        return total is { } all and > 0 ? $" {Size(done)} / {Size(all)}" : $" {Size(done)}";
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
