using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AwsEndpoint.Protocol;

namespace AwsEndpoint.Auth;

/// <summary>What the verifier needs of an HTTP request; the path and query are the raw (still encoded) ones
/// from the request line, because the client signed those and not the decoded form.</summary>
public sealed record SignedRequest(string Method, string RawPath, string RawQuery,
    Func<string, IReadOnlyList<string>> HeaderValues, byte[] Body);

/// <summary>Checks a header-signed SigV4 request against the sandbox's keys, with AWS's error codes and wording,
/// so a client's signing bug shows up here exactly as it would against AWS.</summary>
public sealed class SigV4Verifier(SandboxCredentialStore keys, string region, TimeProvider clock)
{
    // AWS rejects requests whose X-Amz-Date is more than 15 minutes off its clock, in either direction.
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);
    private const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Returns the access key id of a valid request; throws <see cref="AwsServiceException"/> otherwise.</summary>
    public string Verify(SignedRequest request, string signingName)
    {
        var authorization = request.HeaderValues("authorization").FirstOrDefault();
        if (string.IsNullOrEmpty(authorization))
            throw new AwsServiceException("MissingAuthenticationTokenException", "Missing Authentication Token", HttpStatusCode.Forbidden);
        var auth = ParseAuthorization(authorization);

        var scope = auth.Credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
            throw Incomplete("Credential should be scoped to a valid region, service and terminated by 'aws4_request'.");
        var (accessKeyId, scopeDate, scopeRegion, scopeService) = (scope[0], scope[1], scope[2], scope[3]);

        var key = keys.Find(accessKeyId) ?? throw UnrecognizedClient();
        if (!auth.SignedHeaders.Contains("host"))
            throw Incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

        var amzDate = request.HeaderValues("x-amz-date").FirstOrDefault();
        if (amzDate is null)
            throw Incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        if (!DateTimeOffset.TryParseExact(amzDate, DateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
            throw Incomplete($"Date must be in ISO-8601 'basic format'. Got '{amzDate}'.");
        if (scopeDate != amzDate[..8])
            throw InvalidSignature($"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scopeDate}' != '{amzDate[..8]}', from '{amzDate}'.");
        if (scopeRegion != region)
            throw InvalidSignature($"Credential should be scoped to a valid region, not '{scopeRegion}'. ");
        if (scopeService != signingName)
            throw InvalidSignature($"Credential should be scoped to correct service: '{signingName}'. ");
        CheckClock(signedAt, amzDate);
        CheckSessionToken(key, request.HeaderValues("x-amz-security-token").FirstOrDefault());

        var canonical = SigV4Canonical.CanonicalRequest(request.Method, request.RawPath, request.RawQuery,
            auth.SignedHeaders, request.HeaderValues, SigV4Canonical.HexSha256(request.Body));
        var stringToSign = SigV4Canonical.StringToSign(amzDate, $"{scopeDate}/{scopeRegion}/{scopeService}/aws4_request", canonical);
        var expected = SigV4Canonical.Signature(
            SigV4Canonical.SigningKey(key.SecretAccessKey, scopeDate, scopeRegion, scopeService), stringToSign);
        // Constant-time: a timing side channel would let a caller guess a valid signature byte by byte.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(auth.Signature)))
            throw InvalidSignature("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        return accessKeyId;
    }

    private void CheckClock(DateTimeOffset signedAt, string amzDate)
    {
        var now = clock.GetUtcNow();
        string Fmt(DateTimeOffset t) => t.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);
        if (signedAt < now - MaxSkew)
            throw InvalidSignature($"Signature expired: {amzDate} is now earlier than {Fmt(now - MaxSkew)} ({Fmt(now)} - 15 min.)");
        if (signedAt > now + MaxSkew)
            throw InvalidSignature($"Signature not yet current: {amzDate} is still later than {Fmt(now + MaxSkew)} ({Fmt(now)} + 15 min.)");
    }

    // Temporary keys are only valid with their token, and long-term keys never carry one: AWS answers both
    // mismatches as an unrecognised client, not as a signature problem.
    private static void CheckSessionToken(SandboxKey key, string? token)
    {
        if (key.SessionToken is null && token is null) return;
        if (key.SessionToken is null || token is null ||
            !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key.SessionToken), Encoding.UTF8.GetBytes(token)))
            throw UnrecognizedClient();
    }

    private sealed record Authorization(string Credential, IReadOnlyList<string> SignedHeaders, string Signature);

    private static Authorization ParseAuthorization(string header)
    {
        var space = header.IndexOf(' ');
        var algorithm = space < 0 ? header : header[..space];
        if (algorithm != SigV4Canonical.Algorithm)
            throw Incomplete($"Unsupported AWS 'algorithm': '{algorithm}'.");
        var parts = header[(space + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        string Required(string name) => parts.TryGetValue(name, out var v) && v.Length > 0
            ? v : throw Incomplete($"Authorization header requires '{name}' parameter.");
        var signedHeaders = Required("SignedHeaders").Split(';');
        return new Authorization(Required("Credential"), signedHeaders, Required("Signature"));
    }

    private static AwsServiceException Incomplete(string message) => new("IncompleteSignatureException", message);

    private static AwsServiceException InvalidSignature(string message) =>
        new("InvalidSignatureException", message, HttpStatusCode.Forbidden);

    private static AwsServiceException UnrecognizedClient() =>
        new("UnrecognizedClientException", "The security token included in the request is invalid.", HttpStatusCode.Forbidden);
}
