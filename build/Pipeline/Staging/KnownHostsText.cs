using Pipeline.Config;

namespace Pipeline.Staging;

/// <summary>
/// --staging-known-hosts given as the known_hosts lines themselves (a CI variable) rather than a path: told apart,
/// checked, and put in the form ssh reads. Host keys are public, but a line is still never echoed back: a value put
/// in the wrong variable could be anything.
/// </summary>
public static class KnownHostsText
{
    /// <summary>A path never holds a space or a newline in practice; every known_hosts line holds spaces.</summary>
    public static bool IsContent(string value) => value.IndexOfAny([' ', '\t', '\n', '\r']) >= 0;

    /// <summary>The lines with LF line ends and a final newline; throws naming the first line ssh could not use.</summary>
    public static string Normalise(string value, string origin)
    {
        var lines = value.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n').Select(l => l.Trim()).ToList();
        if (value.Contains("PRIVATE KEY", StringComparison.Ordinal))
            throw new PipelineException(
                $"{origin} holds a private key, not known_hosts lines",
                $"Put the key in {PrivateKeyText.Origin} (a secret), and the hosts' known_hosts lines in {PipelineParameters.StagingKnownHosts.EnvVar}. That one is not kept secret, so CI may have shown the key: replace it.");
        var hostLines = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Length == 0 || lines[i].StartsWith('#')) continue;
            var fields = lines[i].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            // "@cert-authority" and "@revoked" lines carry a marker before the usual three fields.
            var needed = fields[0].StartsWith('@') ? 4 : 3;
            if (fields.Length < needed)
                throw new PipelineException(
                    $"{origin}: line {i + 1} is not a known_hosts line (it has {fields.Length} field{(fields.Length == 1 ? "" : "s")}, a host key line has {needed})",
                    $"Give the lines as ssh-keyscan prints them, '<host> <key type> <key>' (e.g. ssh-keyscan -p 22 <host>, then check the fingerprint); a path must not contain spaces.");
            hostLines++;
        }
        if (hostLines == 0)
            throw new PipelineException(
                $"{origin} holds no host key line",
                "Give the staging hosts' known_hosts lines, as ssh-keyscan prints them (then check the fingerprints).");
        var start = lines.FindIndex(l => l.Length > 0);
        var end = lines.FindLastIndex(l => l.Length > 0);
        return string.Join("\n", lines.GetRange(start, end - start + 1)) + "\n";
    }
}
