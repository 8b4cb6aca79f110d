using System.Globalization;
using AwsEndpoint.Auth;

namespace AwsEndpoint.Tests.Fixtures;

/// <summary>Signs a request the way botocore does (all given headers signed, sorted), for tests that need a
/// hand-made request: the SigV4 vectors pin the shared canonical code, the aws CLI checks the whole path.</summary>
public static class RequestSigner
{
    public sealed record Key(string AccessKeyId, string Secret, string? SessionToken = null);

    /// <returns>The headers to send (lower-case names), Authorization included.</returns>
    public static Dictionary<string, string> Sign(Key key, string method, string host, string rawPath, byte[] body,
        IReadOnlyDictionary<string, string> headers, DateTimeOffset at, string region = "us-east-1", string service = "ecr")
    {
        var amzDate = at.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var all = headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);
        all["host"] = host;
        all["x-amz-date"] = amzDate;
        if (key.SessionToken is not null) all["x-amz-security-token"] = key.SessionToken;
        var signed = all.Keys.Order(StringComparer.Ordinal).ToList();
        var canonical = SigV4Canonical.CanonicalRequest(method, rawPath, "", signed, n => all.TryGetValue(n, out var v) ? [v] : [], SigV4Canonical.HexSha256(body));
        var scope = $"{amzDate[..8]}/{region}/{service}/aws4_request";
        var signature = SigV4Canonical.Signature(SigV4Canonical.SigningKey(key.Secret, amzDate[..8], region, service),
            SigV4Canonical.StringToSign(amzDate, scope, canonical));
        all["authorization"] = $"AWS4-HMAC-SHA256 Credential={key.AccessKeyId}/{scope}, SignedHeaders={string.Join(';', signed)}, Signature={signature}";
        return all;
    }
}
