using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Pipeline.Aws;
using Pipeline.Tests.Config;

namespace Pipeline.Tests.Aws;

/// <summary>
/// Where the pipeline's AWS credentials and endpoints come from off the sandbox: AWS_PROFILE in a shared
/// credentials file, web identity (GitHub Actions OIDC: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, exchanged at STS),
/// and AWS_ENDPOINT_URL_ECR / _ECS. Each call goes to an <see cref="AwsWireDouble"/>, which keeps what arrived, so
/// the tests see which key signed a request and where it was sent. The SDK reads the process environment, so these
/// tests set it, one at a time.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class AwsCredentialSourceTests : IDisposable
{
    private const string Region = "eu-west-1";
    private const string EcrTarget = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";
    private const string EcsTarget = "AmazonEC2ContainerServiceV20141113.DescribeClusters";

    private static readonly string[] AwsVariables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_ECS",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    private readonly TestRepository _repository = new();
    private readonly ProcessEnvironment _environment = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("aws-credentials-").FullName;
    // A name of its own per test: the SDK caches what it resolved until AWS_PROFILE or the key variables change.
    private readonly string _unique = Guid.NewGuid().ToString("N")[..12];

    public AwsCredentialSourceTests()
    {
        foreach (var name in AwsVariables) _environment.Set(name, null);
        // Never the developer's ~/.aws, never the EC2 metadata service.
        _environment.Set("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(_directory, "credentials"))
            .Set("AWS_CONFIG_FILE", Path.Combine(_directory, "config"))
            .Set("AWS_EC2_METADATA_DISABLED", "true")
            .Set("AWS_REGION", Region)
            .Set("AWS_DEFAULT_REGION", Region);
    }

    public void Dispose()
    {
        _environment.Dispose();
        _repository.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Settings off the sandbox, as for a team's real ECR; the endpoints come from <paramref name="endpoints"/>.</summary>
    private AwsAccess Access(IReadOnlyDictionary<string, string> endpoints) => new(
        _repository.Resolve(new Dictionary<string, string>
        {
            ["AWS_ECR_URL"] = $"123456789012.dkr.ecr.{Region}.amazonaws.com",
            ["PIPELINE_SANDBOX"] = "off",
            ["AWS_REGION"] = Region,
        }),
        endpoints.GetValueOrDefault, () => Region);

    private static AwsWireAnswer EcrToken(AwsWireRequest request) =>
        request.Header("X-Amz-Target") == EcrTarget
            ? AwsWireAnswer.Json($$"""{"authorizationData":[{"authorizationToken":"{{Convert.ToBase64String("AWS:from-the-double"u8)}}","proxyEndpoint":"https://123456789012.dkr.ecr.{{Region}}.amazonaws.com"}]}""")
            : new AwsWireAnswer(400, "application/x-amz-json-1.1", """{"__type":"UnknownOperationException","message":"not this one"}""");

    /// <summary>The key id in a SigV4 Authorization header: "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, ...".</summary>
    private static string[] Credential(AwsWireRequest request)
    {
        var authorization = request.Header("Authorization") ?? throw new Xunit.Sdk.XunitException("the request was not signed");
        var credential = authorization.Split(' ', ',').Single(part => part.StartsWith("Credential=", StringComparison.Ordinal));
        return credential["Credential=".Length..].Split('/');
    }

    /// <summary>
    /// Signs the request again with a given key pair, at the time it says it was signed: equal Authorization headers
    /// mean that very secret key (and session token) signed it.
    /// </summary>
    private static void AssertSignedWith(AwsWireRequest request, Uri url, ImmutableCredentials credentials, string service)
    {
        var signedAt = DateTime.ParseExact(request.Header(SigV4Signer.DateHeader)!, "yyyyMMdd'T'HHmmss'Z'",
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var again = SigV4Signer.Sign(HttpMethod.Post, url,
            new Dictionary<string, string>
            {
                ["Content-Type"] = request.Header("Content-Type")!,
                ["X-Amz-Target"] = request.Header("X-Amz-Target")!,
            },
            request.Body, credentials, Region, service, signedAt);
        Assert.True(again["Authorization"] == request.Header("Authorization"),
            $"the {service} request was not signed with the expected key ({credentials.AccessKey})");
    }

    [Fact]
    public async Task Web_identity_is_exchanged_at_STS_and_the_temporary_credentials_sign_the_calls()
    {
        var oidcToken = "eyJhbGciOiJSUzI1NiJ9.oidc-" + _unique + ".signature";
        var tokenFile = Path.Combine(_directory, "web-identity-token");
        await File.WriteAllTextAsync(tokenFile, oidcToken, Cancellation);
        const string role = "arn:aws:iam::123456789012:role/pipeline-deploy";
        var session = "pipeline-" + _unique;
        var issued = new ImmutableCredentials("ASIATEMP" + _unique.ToUpperInvariant(), "temporary-secret-" + _unique, "session-token-" + _unique);
        var expires = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        // STS's query protocol: a form-encoded POST, answered in XML, as https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html shows.
        await using var sts = new AwsWireDouble(request => request.Form().GetValueOrDefault("Action") == "AssumeRoleWithWebIdentity"
            ? AwsWireAnswer.Xml($"""
                <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleWithWebIdentityResult>
                    <SubjectFromWebIdentityToken>repo:example/app:ref:refs/heads/master</SubjectFromWebIdentityToken>
                    <Audience>sts.amazonaws.com</Audience>
                    <AssumedRoleUser>
                      <Arn>arn:aws:sts::123456789012:assumed-role/pipeline-deploy/{session}</Arn>
                      <AssumedRoleId>AROAEXAMPLEROLEID:{session}</AssumedRoleId>
                    </AssumedRoleUser>
                    <Credentials>
                      <SessionToken>{issued.Token}</SessionToken>
                      <SecretAccessKey>{issued.SecretKey}</SecretAccessKey>
                      <Expiration>{expires}</Expiration>
                      <AccessKeyId>{issued.AccessKey}</AccessKeyId>
                    </Credentials>
                    <Provider>token.actions.githubusercontent.com</Provider>
                  </AssumeRoleWithWebIdentityResult>
                  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
                </AssumeRoleWithWebIdentityResponse>
                """)
            : new AwsWireAnswer(400, "text/xml", "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>"));
        await using var ecr = new AwsWireDouble(EcrToken);
        _environment.Set("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile)
            .Set("AWS_ROLE_ARN", role)
            .Set("AWS_ROLE_SESSION_NAME", session)
            .Set("AWS_ENDPOINT_URL_STS", sts.Url.ToString())
            // Not a profile in any file: web identity comes first in the chain, and the name keeps the SDK's cache out.
            .Set("AWS_PROFILE", "unused-" + _unique);

        var access = Access(new Dictionary<string, string> { ["AWS_ENDPOINT_URL_ECR"] = ecr.Url.ToString() });
        await access.Ecr.GetAuthorizationTokenAsync(Cancellation);

        var exchange = Assert.Single(sts.Requests);
        Assert.Equal("POST", exchange.Method);
        var form = exchange.Form();
        Assert.Equal("AssumeRoleWithWebIdentity", form["Action"]);
        Assert.Equal("2011-06-15", form["Version"]);
        Assert.Equal(role, form["RoleArn"]);
        Assert.Equal(oidcToken, form["WebIdentityToken"]);
        Assert.Equal(session, form["RoleSessionName"]);

        var call = Assert.Single(ecr.Requests);
        Assert.Equal(EcrTarget, call.Header("X-Amz-Target"));
        Assert.Equal(issued.AccessKey, Credential(call)[0]);
        Assert.Equal(issued.Token, call.Header(SigV4Signer.TokenHeader));
        AssertSignedWith(call, ecr.Url, issued, "ecr");
        var identity = await access.IdentityAsync(Cancellation);
        Assert.Equal("web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)", identity.Source);
        Assert.Equal(Pipeline.Config.Redactor.Mask, Pipeline.Config.Redactor.Redact(issued.Token));
        Assert.Equal(Pipeline.Config.Redactor.Mask, Pipeline.Config.Redactor.Redact(issued.SecretKey));
    }

    [Fact]
    public async Task AWS_ENDPOINT_URL_ECR_and_ECS_send_each_service_to_its_own_URL_before_AWS_ENDPOINT_URL()
    {
        var keys = new ImmutableCredentials("AKIAENDPOINTS" + _unique.ToUpperInvariant()[..7], "endpoint-secret-" + _unique, null);
        _environment.Set("AWS_ACCESS_KEY_ID", keys.AccessKey).Set("AWS_SECRET_ACCESS_KEY", keys.SecretKey);
        await using var ecr = new AwsWireDouble(EcrToken);
        await using var ecs = new AwsWireDouble(request => request.Header("X-Amz-Target") == EcsTarget
            ? AwsWireAnswer.Json("""{"clusters":[],"failures":[{"arn":"production","reason":"MISSING"}]}""")
            : new AwsWireAnswer(400, "application/x-amz-json-1.1", """{"__type":"UnknownOperationException","message":"not this one"}"""));
        await using var general = new AwsWireDouble(_ => new AwsWireAnswer(500, "text/plain", "the general endpoint must not be used"));

        var access = Access(new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_ECR"] = ecr.Url.ToString(),
            ["AWS_ENDPOINT_URL_ECS"] = ecs.Url.ToString(),
            ["AWS_ENDPOINT_URL"] = general.Url.ToString(),
        });
        Assert.Equal(ecr.Url, access.Ecr.Endpoint.Url);
        Assert.Equal(ecs.Url, access.Ecs.Endpoint.Url);
        await access.Ecr.GetAuthorizationTokenAsync(Cancellation);
        Assert.Null(await access.Ecs.FindClusterAsync("production", Cancellation));

        Assert.Empty(general.Requests);
        var ecrCall = Assert.Single(ecr.Requests);
        Assert.Equal(EcrTarget, ecrCall.Header("X-Amz-Target"));
        Assert.Equal("ecr", Credential(ecrCall)[3]);
        AssertSignedWith(ecrCall, ecr.Url, keys, "ecr");
        var ecsCall = Assert.Single(ecs.Requests);
        Assert.Equal(EcsTarget, ecsCall.Header("X-Amz-Target"));
        Assert.Equal("ecs", Credential(ecsCall)[3]);
        Assert.Equal("""{"clusters":["production"]}""", ecsCall.Text);
        AssertSignedWith(ecsCall, ecs.Url, keys, "ecs");
        Assert.Equal($"{ecs.Url.Host}:{ecs.Url.Port}", ecsCall.Header("Host"));

        // With only the general one set, both services go there.
        var fallback = Access(new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = ecr.Url.ToString() });
        Assert.Equal(ecr.Url, fallback.Ecs.Endpoint.Url);
        Assert.Equal(ecr.Url, fallback.Ecr.Endpoint.Url);
    }
}
