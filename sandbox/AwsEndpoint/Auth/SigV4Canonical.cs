using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AwsEndpoint.Auth;

/// <summary>The pure parts of Signature Version 4, exactly as AWS specifies them (and as botocore implements them
/// for every service but S3): canonical request, string to sign, signing key, signature. Both the verifier and
/// the tests use this; the tests pin it to AWS's published examples.</summary>
public static class SigV4Canonical
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Non-S3 services normalise the path and URI-encode the already-encoded path once more, so a
    /// "%20" in the request line becomes "%2520" here. An empty path is "/".</summary>
    public static string CanonicalUri(string rawPath)
    {
        if (string.IsNullOrEmpty(rawPath)) return "/";
        var segments = new List<string>();
        foreach (var segment in rawPath.Split('/'))
        {
            if (segment is "" or ".") continue;
            if (segment == "..") { if (segments.Count > 0) segments.RemoveAt(segments.Count - 1); continue; }
            segments.Add(segment);
        }
        var path = "/" + string.Join('/', segments);
        if (rawPath.EndsWith('/') && path != "/") path += "/";
        return UriEncode(path, keepSlash: true);
    }

    /// <summary>Parameters decoded, then re-encoded with RFC 3986 unreserved characters only, sorted by name and
    /// then value (ordinal, i.e. by byte for ASCII).</summary>
    public static string CanonicalQuery(string rawQuery)
    {
        var query = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        if (query.Length == 0) return "";
        var pairs = new List<(string Key, string Value)>();
        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0) continue;
            var eq = part.IndexOf('=');
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add((UriEncode(Uri.UnescapeDataString(key), false), UriEncode(Uri.UnescapeDataString(value), false)));
        }
        return string.Join('&', pairs
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>One "name:value\n" line per signed header, names lower-case in SignedHeaders order (which the
    /// client sorted), values trimmed with inner runs of spaces collapsed, repeated headers joined by ",".</summary>
    public static string CanonicalHeaders(IReadOnlyList<string> signedHeaders, Func<string, IReadOnlyList<string>> valuesOf)
    {
        var sb = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            var values = valuesOf(name).Select(TrimHeaderValue);
            sb.Append(name).Append(':').Append(string.Join(',', values)).Append('\n');
        }
        return sb.ToString();
    }

    public static string CanonicalRequest(string method, string rawPath, string rawQuery,
        IReadOnlyList<string> signedHeaders, Func<string, IReadOnlyList<string>> valuesOf, string payloadHash) =>
        string.Join('\n',
            method.ToUpperInvariant(),
            CanonicalUri(rawPath),
            CanonicalQuery(rawQuery),
            CanonicalHeaders(signedHeaders, valuesOf),
            string.Join(';', signedHeaders),
            payloadHash);

    public static string StringToSign(string amzDate, string credentialScope, string canonicalRequest) =>
        string.Join('\n', Algorithm, amzDate, credentialScope, HexSha256(Encoding.UTF8.GetBytes(canonicalRequest)));

    public static byte[] SigningKey(string secretKey, string date, string region, string service)
    {
        var kDate = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        var kRegion = Hmac(kDate, region);
        var kService = Hmac(kRegion, service);
        return Hmac(kService, "aws4_request");
    }

    public static string Signature(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(Hmac(signingKey, stringToSign));

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>RFC 3986 percent-encoding: unreserved characters stay, everything else is %XX of its UTF-8 bytes
    /// (upper-case hex), which differs from .NET's Uri.EscapeDataString in edge cases, so it is spelled out.</summary>
    public static string UriEncode(string value, bool keepSlash)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
                sb.Append(c);
            else
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string TrimHeaderValue(string value)
    {
        var sb = new StringBuilder(value.Length);
        var lastWasSpace = false;
        foreach (var c in value.Trim())
        {
            var isSpace = c == ' ';
            if (isSpace && lastWasSpace) continue;
            sb.Append(c);
            lastWasSpace = isSpace;
        }
        return sb.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
