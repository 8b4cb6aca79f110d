using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Pipeline.Aws;

/// <summary>
/// Signs a request with AWS Signature Version 4. The canonical request is built here (it is short for the JSON
/// protocol: POST / with no query); the key derivation and HMAC chain are the SDK's own.
/// </summary>
public static class SigV4Signer
{
    public const string DateHeader = "X-Amz-Date";
    public const string TokenHeader = "X-Amz-Security-Token";

    /// <summary>Returns the headers to add: X-Amz-Date, the session token when there is one, and Authorization.</summary>
    public static IReadOnlyDictionary<string, string> Sign(
        HttpMethod method, Uri uri, IReadOnlyDictionary<string, string> headers, byte[] body,
        ImmutableCredentials credentials, string region, string service, DateTime signedAtUtc)
    {
        var amzDate = signedAtUtc.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var added = new Dictionary<string, string> { [DateHeader] = amzDate };
        if (credentials.UseToken) added[TokenHeader] = credentials.Token;

        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers.Concat(added)) all[name.ToLowerInvariant()] = CollapseSpaces(value);
        all["host"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";

        var signedHeaders = string.Join(";", all.Keys);
        var canonicalRequest = CanonicalRequest(method, uri, all, signedHeaders, body);
        var result = AWS4Signer.ComputeSignature(credentials, region, signedAtUtc, service, signedHeaders, canonicalRequest);
        added["Authorization"] = result.ForAuthorizationHeader;
        return added;
    }

    internal static string CanonicalRequest(
        HttpMethod method, Uri uri, SortedDictionary<string, string> lowerCaseHeaders, string signedHeaders, byte[] body)
    {
        var text = new StringBuilder()
            .Append(method.Method).Append('\n')
            .Append(CanonicalPath(uri)).Append('\n')
            .Append(CanonicalQuery(uri)).Append('\n');
        foreach (var (name, value) in lowerCaseHeaders) text.Append(name).Append(':').Append(value).Append('\n');
        text.Append('\n').Append(signedHeaders).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(body)));
        return text.ToString();
    }

    // Each path segment is URI-encoded once (RFC 3986 unreserved characters kept), as every non-S3 service expects.
    private static string CanonicalPath(Uri uri)
    {
        var path = uri.AbsolutePath;
        if (path.Length == 0) return "/";
        return string.Join("/", path.Split('/').Select(s => Uri.EscapeDataString(Uri.UnescapeDataString(s))));
    }

    private static string CanonicalQuery(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0) return "";
        return string.Join("&", query.Split('&')
            .Select(pair => pair.Split('=', 2))
            .Select(kv => (Key: Uri.EscapeDataString(Uri.UnescapeDataString(kv[0])), Value: kv.Length > 1 ? Uri.EscapeDataString(Uri.UnescapeDataString(kv[1])) : ""))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).ThenBy(kv => kv.Value, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value}"));
    }

    private static string CollapseSpaces(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
