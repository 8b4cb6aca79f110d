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
    public async Task The_log_names_each_operation_and_outcome_and_never_a_key_token_or_password()
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

    [Fact]
    public async Task Each_request_is_logged_exactly_once_whatever_its_outcome()
    {
        // The log is shared by every test of the run: operations no other test calls, named by a fresh token,
        // tell this test's requests from theirs. Each reaches a different stage: dispatch, signature, operation.
        var e = await endpoint.StartedAsync();
        var token = TestEndpoint.RandomText(12, "abcdefghijklmnopqrstuvwxyz");
        var unknownService = $"AmazonNoSuchService_{token}.DoIt";
        var badSignature = $"BadSignature{token}";
        var unknownOperation = $"NoSuchOperation{token}";
        for (var i = 0; i < 3; i++)
            IsError(await SignedEcrClient.CallAsync(e.Url, e.Key, "", new { }, Ct, target: unknownService), HttpStatusCode.BadRequest, "UnknownOperationException");
        for (var i = 0; i < 2; i++)
            IsError(await SignedEcrClient.CallAsync(e.Url, e.Key with { Secret = "wrong" }, badSignature, new { }, Ct), HttpStatusCode.Forbidden, "InvalidSignatureException");
        IsError(await SignedEcrClient.CallAsync(e.Url, e.Key, unknownOperation, new { }, Ct), HttpStatusCode.BadRequest, "UnknownOperationException");

        // A line may land a moment after its response: wait (bounded) for all six and for a last request's line,
        // sent after them, then count, so a second line for any of them would be counted too.
        var last = $"AmazonNoSuchService_{token}.Last";
        await SignedEcrClient.CallAsync(e.Url, e.Key, "", new { }, Ct, target: last);
        List<string> Mine() => e.LogLines.Where(l => l.Contains(token, StringComparison.Ordinal) && !l.StartsWith(last + " ", StringComparison.Ordinal)).ToList();
        for (var attempt = 0; attempt < 200 && (Mine().Count < 6 || !e.LogLines.Any(l => l.StartsWith(last + " ", StringComparison.Ordinal))); attempt++)
            await Task.Delay(50, Ct);
        Assert.Single(e.LogLines, l => l.StartsWith(last + " 400 UnknownOperationException ", StringComparison.Ordinal));
        var mine = Mine();
        Assert.Equal(6, mine.Count);
        Assert.Equal(3, mine.Count(l => l.StartsWith(unknownService + " 400 UnknownOperationException ", StringComparison.Ordinal)));
        Assert.Equal(2, mine.Count(l => l.StartsWith(SignedEcrClient.Prefix + badSignature + " 403 InvalidSignatureException ", StringComparison.Ordinal)));
        Assert.Equal(1, mine.Count(l => l.StartsWith(SignedEcrClient.Prefix + unknownOperation + " 400 UnknownOperationException ", StringComparison.Ordinal)));
        Assert.All(mine, l => Assert.Matches(@" \d+ms$", l));
    }
}
