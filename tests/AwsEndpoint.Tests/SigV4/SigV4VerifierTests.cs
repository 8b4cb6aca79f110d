using System.Net;
using System.Text;
using AwsEndpoint.Auth;
using AwsEndpoint.Protocol;
using AwsEndpoint.Tests.Fixtures;

namespace AwsEndpoint.Tests.SigV4;

public sealed class SigV4VerifierTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly RequestSigner.Key Long = new("AKIDVERIFIERTEST0001", "long-term-secret-long-term-secret-000000");
    private static readonly RequestSigner.Key Temporary = new("ASIAVERIFIERTEST0002", "temporary-secret-temporary-secret-00000", "session-token-value");

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static SigV4Verifier Verifier()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, $"""
            [sandbox]
            aws_access_key_id = {Long.AccessKeyId}
            aws_secret_access_key = {Long.Secret}

            [temporary]
            aws_access_key_id={Temporary.AccessKeyId}
            aws_secret_access_key={Temporary.Secret}
            aws_session_token={Temporary.SessionToken}
            """);
        return new SigV4Verifier(new SandboxCredentialStore(path), "us-east-1", new FixedClock(Now));
    }

    private static SignedRequest Request(RequestSigner.Key key, DateTimeOffset? at = null, string body = "{}",
        Action<Dictionary<string, string>>? tamper = null, string region = "us-east-1", string service = "ecr")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var headers = RequestSigner.Sign(key, "POST", "127.0.0.1:4566", "/", bytes,
            new Dictionary<string, string> { ["Content-Type"] = AwsJson.ContentType, ["X-Amz-Target"] = "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories" },
            at ?? Now, region, service);
        tamper?.Invoke(headers);
        return new SignedRequest("POST", "/", "", n => headers.TryGetValue(n, out var v) ? [v] : [], bytes);
    }

    private static AwsServiceException Rejects(SignedRequest request) =>
        Assert.Throws<AwsServiceException>(() => Verifier().Verify(request, "ecr"));

    [Fact]
    public void Accepts_a_request_signed_with_a_sandbox_key() =>
        Assert.Equal(Long.AccessKeyId, Verifier().Verify(Request(Long), "ecr"));

    [Fact]
    public void Accepts_a_temporary_key_with_its_session_token() =>
        Assert.Equal(Temporary.AccessKeyId, Verifier().Verify(Request(Temporary), "ecr"));

    [Fact]
    public void Rejects_a_wrong_secret_as_InvalidSignatureException()
    {
        var e = Rejects(Request(Long with { Secret = "not-the-secret" }));
        Assert.Equal(("InvalidSignatureException", HttpStatusCode.Forbidden), (e.Code, e.Status));
        Assert.StartsWith("The request signature we calculated does not match the signature you provided.", e.Message);
    }

    [Fact]
    public void Rejects_a_body_changed_after_signing()
    {
        var signed = Request(Long);
        var e = Rejects(signed with { Body = Encoding.UTF8.GetBytes("{\"maxResults\":1}") });
        Assert.Equal("InvalidSignatureException", e.Code);
    }

    [Fact]
    public void Rejects_an_unknown_access_key_as_UnrecognizedClientException()
    {
        var e = Rejects(Request(Long with { AccessKeyId = "AKIDUNKNOWNKEY000000" }));
        Assert.Equal(("UnrecognizedClientException", HttpStatusCode.Forbidden), (e.Code, e.Status));
        Assert.Equal("The security token included in the request is invalid.", e.Message);
    }

    [Fact]
    public void Rejects_a_temporary_key_without_or_with_a_wrong_session_token()
    {
        Assert.Equal("UnrecognizedClientException", Rejects(Request(Temporary with { SessionToken = null })).Code);
        Assert.Equal("UnrecognizedClientException", Rejects(Request(Temporary with { SessionToken = "other-token" })).Code);
    }

    [Theory]
    [InlineData(-16, "Signature expired: ")]
    [InlineData(16, "Signature not yet current: ")]
    public void Rejects_a_date_more_than_15_minutes_off(int minutes, string message)
    {
        var e = Rejects(Request(Long, Now.AddMinutes(minutes)));
        Assert.Equal("InvalidSignatureException", e.Code);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Accepts_a_date_14_minutes_off() =>
        Verifier().Verify(Request(Long, Now.AddMinutes(-14)), "ecr");

    [Fact]
    public void Rejects_a_scope_for_another_region_or_service()
    {
        Assert.Contains("region", Rejects(Request(Long, region: "eu-west-1")).Message);
        Assert.Contains("service", Rejects(Request(Long, service: "ecs")).Message);
    }

    [Fact]
    public void A_request_without_authorization_is_MissingAuthenticationTokenException()
    {
        var e = Rejects(Request(Long, tamper: h => h.Remove("authorization")));
        Assert.Equal(("MissingAuthenticationTokenException", HttpStatusCode.Forbidden), (e.Code, e.Status));
    }

    [Fact]
    public void An_authorization_without_signature_is_IncompleteSignatureException()
    {
        var e = Rejects(Request(Long, tamper: h => h["authorization"] = h["authorization"][..h["authorization"].IndexOf(", Signature=", StringComparison.Ordinal)]));
        Assert.Equal(("IncompleteSignatureException", HttpStatusCode.BadRequest), (e.Code, e.Status));
    }
}
