using System.Security.Cryptography;

namespace Pipeline.Staging;

public enum HostKeyOutcome
{
    Trusted,
    /// <summary>The key is on an @revoked line.</summary>
    Revoked,
    /// <summary>A line names the host with another key of the same type: the host changed, or someone is in between.</summary>
    Changed,
    /// <summary>No line names the host with this key's type (maybe with other types).</summary>
    Unknown,
    /// <summary>Only @cert-authority lines name the host; host certificates are not supported.</summary>
    CertificateOnly,
}

/// <summary>What the known_hosts lines say about the key a host showed; <see cref="Lines"/> are the lines that decided.</summary>
public sealed record HostKeyVerdict(HostKeyOutcome Outcome, string Host, string KeyType, string Fingerprint, IReadOnlyList<int> Lines, IReadOnlyList<string> KnownTypes);

/// <summary>
/// The pinned host keys, from a known_hosts file or lines given as text, read in memory and matched as OpenSSH does
/// (plain names, [host]:port, comma lists with wildcards and negation, hashed names), with one stricter rule: a key on
/// an @revoked line is refused for every host, whatever that line's host field says, and before any other line counts.
/// </summary>
public sealed class KnownHostsMatcher
{
    private readonly IReadOnlyList<KnownHostsLine> _lines;

    private KnownHostsMatcher(IReadOnlyList<KnownHostsLine> lines, IReadOnlyList<int> skipped, string origin)
    {
        _lines = lines;
        Skipped = skipped;
        Origin = origin;
    }

    /// <summary>How errors name where the lines came from: a path, or the setting that held them.</summary>
    public string Origin { get; }

    /// <summary>Numbers of the lines that were neither blank, a comment, nor a usable host key line.</summary>
    public IReadOnlyList<int> Skipped { get; }

    public static KnownHostsMatcher Parse(string text, string origin)
    {
        var lines = new List<KnownHostsLine>();
        var skipped = new List<int>();
        var number = 0;
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            number++;
            var trimmed = raw.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            if (KnownHostsLine.Parse(trimmed, number) is { } line) lines.Add(line);
            else skipped.Add(number);
        }
        return new KnownHostsMatcher(lines, skipped, origin);
    }

    /// <summary>A file that does not exist pins nothing, so every host is refused, naming the file.</summary>
    public static KnownHostsMatcher Load(string path) => Parse(File.Exists(path) ? File.ReadAllText(path) : "", path);

    public HostKeyVerdict Check(SshEndpoint endpoint, byte[] key)
    {
        var host = endpoint.KnownHostsName;
        var type = KnownHostsLine.KeyTypeOf(key) ?? "unknown";
        var fingerprint = Fingerprint(key);
        HostKeyVerdict Verdict(HostKeyOutcome outcome, IEnumerable<KnownHostsLine> lines) =>
            new(outcome, host, type, fingerprint, lines.Select(l => l.Number).ToList(), KnownTypes(endpoint));

        var revoked = _lines.Where(l => l.Marker == KnownHostsLine.Revoked && l.Key.AsSpan().SequenceEqual(key)).ToList();
        if (revoked.Count > 0) return Verdict(HostKeyOutcome.Revoked, revoked);
        var naming = _lines.Where(l => l.Marker != KnownHostsLine.Revoked && l.Names(host)).ToList();
        var plain = naming.Where(l => l.Marker is null).ToList();
        var same = plain.Where(l => l.Key.AsSpan().SequenceEqual(key)).ToList();
        if (same.Count > 0) return Verdict(HostKeyOutcome.Trusted, same);
        var changed = plain.Where(l => l.KeyType == type).ToList();
        if (changed.Count > 0) return Verdict(HostKeyOutcome.Changed, changed);
        if (plain.Count == 0 && naming.Count > 0) return Verdict(HostKeyOutcome.CertificateOnly, naming);
        return Verdict(HostKeyOutcome.Unknown, plain);
    }

    /// <summary>The key types pinned for the endpoint, so the connection can ask the host for one of those first.</summary>
    public IReadOnlyList<string> KnownTypes(SshEndpoint endpoint)
    {
        var host = endpoint.KnownHostsName;
        return _lines.Where(l => l.Marker is null && l.Names(host)).Select(l => l.KeyType).Distinct().ToList();
    }

    /// <summary>The fingerprint as ssh-keygen -l and ssh print it: SHA256:, then unpadded base64.</summary>
    public static string Fingerprint(byte[] key) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(key)).TrimEnd('=');
}
