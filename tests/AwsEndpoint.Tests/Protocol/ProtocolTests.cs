using System.Net;
using AwsEndpoint.Tests.Fixtures;

namespace AwsEndpoint.Tests.Protocol;

/// <summary>The AWS JSON 1.1 envelope over real HTTP: dispatch, error shape, authentication errors, logging.</summary>
public sealed class ProtocolTests(TestEndpoint endpoint)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void IsError(RawResponse r, HttpStatusCode status, string code)
    {
        Assert.Equal(status, r.Status);
        Assert.Equal("application/x-amz-json-1.1", r.ContentType);
        Assert.Equal(code, r.Body.GetProperty("__type").GetString());
        Assert.Equal(code, r.ErrorTypeHeader);
    }

    [Fact]
    public async Task An_unknown_target_prefix_is_UnknownOperationException()
    {
        var e = await endpoint.StartedAsync();
        IsError(await SignedEcrClient.CallAsync(e.Url, e.Key, "", new { }, Ct, target: "AmazonNotAService_20200101.DoIt"), HttpStatusCode.BadRequest, "UnknownOperationException");
    }

    [Fact]
    public async Task An_unknown_ecr_operation_is_UnknownOperationException()
    {
        var e = await endpoint.StartedAsync();
        IsError(await SignedEcrClient.CallAsync(e.Url, e.Key, "DeleteEverything", new { }, Ct), HttpStatusCode.BadRequest, "UnknownOperationException");
    }

    [Fact]
    public async Task An_unsigned_request_is_MissingAuthenticationTokenException()
    {
        var e = await endpoint.StartedAsync();
        IsError(await SignedEcrClient.CallAsync(e.Url, e.Key, "DescribeRepositories", new { }, Ct, sign: false), HttpStatusCode.Forbidden, "MissingAuthenticationTokenException");
    }

    [Fact]
    public async Task A_member_of_the_wrong_type_is_SerializationException()
    {
        var e = await endpoint.StartedAsync();
        IsError(await SignedEcrClient.CallAsync(e.Url, e.Key, "DescribeRepositories", new { maxResults = "many" }, Ct), HttpStatusCode.BadRequest, "SerializationException");
    }

    [Fact]
    public async Task Get_root_answers_without_credentials_for_health_checks()
    {
        var e = await endpoint.StartedAsync();
        using var http = new HttpClient();
        Assert.StartsWith("sandbox AWS endpoint", await http.GetStringAsync(e.Url, Ct));
    }

    [Fact]
    public async Task The_log_has_one_line_per_request_and_never_a_key_token_or_password()
    {
        var e = await endpoint.StartedAsync();
        await SignedEcrClient.CallAsync(e.Url, e.TemporaryKey, "GetAuthorizationToken", new { }, Ct);
        await SignedEcrClient.CallAsync(e.Url, e.Key with { Secret = "wrong" }, "DescribeRepositories", new { }, Ct);

        Assert.Contains(e.LogLines, l => l.Contains("AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken 200", StringComparison.Ordinal));
        Assert.Contains(e.LogLines, l => l.Contains("DescribeRepositories 403 InvalidSignatureException", StringComparison.Ordinal));
        var password = File.ReadAllText(SandboxPaths.RegistryPasswordFile).Trim();
        string[] secrets = [e.Key.Secret, e.TemporaryKey.Secret, e.TemporaryKey.SessionToken!, password, "AWS4-HMAC-SHA256"];
        Assert.DoesNotContain(e.LogLines, l => secrets.Any(s => l.Contains(s, StringComparison.Ordinal)));
    }
}
