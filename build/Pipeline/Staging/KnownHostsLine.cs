using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Staging;

/// <summary>
/// One usable line of a known_hosts file (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"): an optional marker
/// (@revoked, @cert-authority), the host patterns, the key type and the key itself (its SSH wire form).
/// </summary>
public sealed record KnownHostsLine(int Number, string? Marker, string Hosts, string KeyType, byte[] Key)
{
    public const string Revoked = "@revoked";
    public const string CertAuthority = "@cert-authority";

    private const string HashedPrefix = "|1|";

    /// <summary>Null for blank and comment lines and for lines that are not a host key line (counted as skipped).</summary>
    public static KnownHostsLine? Parse(string text, int number)
    {
        var fields = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || fields[0].StartsWith('#')) return null;
        var marker = fields[0].StartsWith('@') ? fields[0] : null;
        if (marker is not (null or Revoked or CertAuthority)) return null;
        var at = marker is null ? 0 : 1;
        if (fields.Length < at + 3) return null;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(fields[at + 2]);
        }
        catch (FormatException)
        {
            return null;
        }
        // The type is written twice, before the key and inside it; OpenSSH refuses a line where they differ.
        return KeyTypeOf(key) == fields[at + 1] ? new KnownHostsLine(number, marker, fields[at], fields[at + 1], key) : null;
    }

    /// <summary>The type name a public key blob starts with (RFC 4253, 6.6), or null when it has none.</summary>
    public static string? KeyTypeOf(byte[] blob)
    {
        if (blob.Length < 4) return null;
        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        return length is > 0 and < 64 && length <= blob.Length - 4 ? Encoding.ASCII.GetString(blob, 4, (int)length) : null;
    }

    /// <summary>
    /// Whether the host field names <paramref name="host"/> (already in known_hosts form, see
    /// <see cref="SshEndpoint.KnownHostsName"/>). A hashed field (ssh-keygen -H) is |1|salt|HMAC-SHA1(salt, host);
    /// otherwise it is a comma list of patterns with * and ?, where a matching !pattern rules the line out.
    /// </summary>
    public bool Names(string host)
    {
        if (Hosts.StartsWith(HashedPrefix, StringComparison.Ordinal)) return HashedNames(host);
        var named = false;
        foreach (var entry in Hosts.Split(','))
        {
            var negated = entry.StartsWith('!');
            if (!Wildcard.Matches(negated ? entry[1..] : entry, host)) continue;
            if (negated) return false;
            named = true;
        }
        return named;
    }

    private bool HashedNames(string host)
    {
        var parts = Hosts[HashedPrefix.Length..].Split('|');
        if (parts.Length != 2) return false;
        try
        {
            var salt = Convert.FromBase64String(parts[0]);
            var hash = Convert.FromBase64String(parts[1]);
            return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(host)), hash);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>OpenSSH's match_pattern: * is any run of characters, ? one character, case-insensitive.</summary>
    private static class Wildcard
    {
        public static bool Matches(string pattern, string text) => Match(pattern.ToLowerInvariant(), 0, text.ToLowerInvariant(), 0);

        private static bool Match(string pattern, int p, string text, int t)
        {
            for (; p < pattern.Length; p++, t++)
            {
                if (pattern[p] == '*')
                {
                    for (var rest = t; rest <= text.Length; rest++)
                        if (Match(pattern, p + 1, text, rest)) return true;
                    return false;
                }
                if (t >= text.Length || (pattern[p] != '?' && pattern[p] != text[t])) return false;
            }
            return t == text.Length;
        }
    }
}
