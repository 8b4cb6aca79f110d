using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AwsEndpoint.Tests.Fixtures;

namespace AwsEndpoint.Tests.Cli;

/// <summary>Debian's aws CLI against the endpoint: it signs, sends and parses on its own, so passing here means
/// the endpoint speaks the real protocol, not just our idea of it.</summary>
public sealed class EcrCliTests(TestEndpoint endpoint)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(TestEndpoint.Started E, CliResult R)> Aws(params string[] args)
    {
        var e = await endpoint.StartedAsync();
        return (e, await AwsCli.RunAsync(e.Url, e.Key, args, Ct));
    }

    private static JsonElement Ok(CliResult r)
    {
        Assert.True(r.ExitCode == 0, $"aws exited {r.ExitCode}: {r.Stderr}");
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.Clone();
    }

    private static void FailsWith(CliResult r, string code)
    {
        // awscli v2 exits 254 when the service answered with an error, 255 for other failures.
        Assert.Equal(254, r.ExitCode);
        Assert.Contains($"An error occurred ({code})", r.Stderr);
    }

    [Fact]
    public async Task Get_login_password_returns_a_password_the_sandbox_registry_accepts()
    {
        var (_, r) = await Aws("ecr", "get-login-password");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, SandboxPaths.RegistryUrl + "/v2/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("pipeline:" + r.Stdout.TrimEnd('\n'))));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request, Ct)).StatusCode);
    }

    [Fact]
    public async Task Get_authorization_token_names_the_registry_and_expires_in_12_hours()
    {
        var data = Ok((await Aws("ecr", "get-authorization-token")).R).GetProperty("authorizationData")[0];
        Assert.Equal("http://127.0.0.1:5000", data.GetProperty("proxyEndpoint").GetString());
        Assert.StartsWith("pipeline:", Encoding.UTF8.GetString(Convert.FromBase64String(data.GetProperty("authorizationToken").GetString()!)));
        // The CLI turns the epoch number into an ISO date: proof the timestamp was sent the way botocore parses it.
        var expires = DateTimeOffset.Parse(data.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(11.9), TimeSpan.FromHours(12.1));
    }

    [Fact]
    public async Task Describe_repositories_lists_the_pushed_repository_like_aws_does()
    {
        var repos = Ok((await Aws("ecr", "describe-repositories", "--repository-names", TestEndpoint.Repository)).R).GetProperty("repositories");
        var repo = Assert.Single(repos.EnumerateArray());
        Assert.Equal($"arn:aws:ecr:us-east-1:000000000000:repository/{TestEndpoint.Repository}", repo.GetProperty("repositoryArn").GetString());
        Assert.Equal("000000000000", repo.GetProperty("registryId").GetString());
        Assert.Equal($"127.0.0.1:5000/{TestEndpoint.Repository}", repo.GetProperty("repositoryUri").GetString());
    }

    [Fact]
    public async Task Describe_repositories_pages_with_next_token_and_the_cli_follows_it()
    {
        var all = Ok((await Aws("ecr", "describe-repositories")).R).GetProperty("repositories").EnumerateArray().Select(r => r.GetProperty("repositoryName").GetString()).ToList();
        var paged = Ok((await Aws("ecr", "describe-repositories", "--page-size", "1")).R).GetProperty("repositories").EnumerateArray().Select(r => r.GetProperty("repositoryName").GetString()).ToList();
        Assert.Contains(TestEndpoint.Repository, all);
        Assert.True(all.Count > 1, "the sandbox registry should hold several repositories");
        // Other tests create and delete repositories in between the two listings; the ones present in both must
        // come back, in the same order, whether read in one page or one by one.
        var stable = all.Intersect(paged).ToList();
        Assert.Contains(TestEndpoint.Repository, stable);
        Assert.True(stable.Count > 1, "paging should have followed more than one next token");
        Assert.Equal(stable, paged.Where(stable.Contains).ToList());
    }

    [Fact]
    public async Task Create_repository_is_then_described_and_a_second_create_fails_with_RepositoryAlreadyExistsException()
    {
        var name = "sandbox-tests/created-" + TestEndpoint.RandomText(8, "abcdefghijklmnopqrstuvwxyz0123456789");
        var created = Ok((await Aws("ecr", "create-repository", "--repository-name", name, "--image-tag-mutability", "IMMUTABLE")).R).GetProperty("repository");
        Assert.Equal($"127.0.0.1:5000/{name}", created.GetProperty("repositoryUri").GetString());
        Assert.Equal("IMMUTABLE", created.GetProperty("imageTagMutability").GetString());

        var described = Ok((await Aws("ecr", "describe-repositories", "--repository-names", name)).R).GetProperty("repositories")[0];
        Assert.Equal(created.GetProperty("createdAt").GetString(), described.GetProperty("createdAt").GetString());
        Assert.Empty(Ok((await Aws("ecr", "describe-images", "--repository-name", name)).R).GetProperty("imageDetails").EnumerateArray());
        FailsWith((await Aws("ecr", "create-repository", "--repository-name", name)).R, "RepositoryAlreadyExistsException");
    }

    [Fact]
    public async Task Create_repository_for_a_name_the_registry_already_holds_fails_with_RepositoryAlreadyExistsException() =>
        FailsWith((await Aws("ecr", "create-repository", "--repository-name", TestEndpoint.Repository)).R, "RepositoryAlreadyExistsException");

    [Fact]
    public async Task Describe_images_shows_the_pushed_image_read_from_the_registry()
    {
        var e = await endpoint.StartedAsync();
        var r = await AwsCli.RunAsync(e.Url, e.Key, ["ecr", "describe-images", "--repository-name", TestEndpoint.Repository, "--image-ids", $"imageTag={e.Image.Tags[0]}"], Ct);
        var detail = Assert.Single(Ok(r).GetProperty("imageDetails").EnumerateArray());
        Assert.Equal(e.Image.Digest, detail.GetProperty("imageDigest").GetString());
        Assert.Equal(e.Image.Tags.Order(StringComparer.Ordinal), detail.GetProperty("imageTags").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal(e.Image.SizeInBytes, detail.GetProperty("imageSizeInBytes").GetInt64());
        Assert.Equal(RegistryImagePusher.ManifestType, detail.GetProperty("imageManifestMediaType").GetString());
        var pushedAt = DateTimeOffset.Parse(detail.GetProperty("imagePushedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        // The push of this run's image, not an older one's: the registry wrote it while the fixture's manifest PUTs
        // ran (a second either side for the file time's and the CLI's rounding).
        Assert.InRange(pushedAt, e.Image.PutStarted - TimeSpan.FromSeconds(1), e.Image.PutEnded + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Describe_images_without_ids_lists_the_image_once_under_both_tags()
    {
        var (e, r) = await Aws("ecr", "describe-images", "--repository-name", TestEndpoint.Repository);
        var mine = Ok(r).GetProperty("imageDetails").EnumerateArray().Where(d => d.GetProperty("imageDigest").GetString() == e.Image.Digest).ToList();
        Assert.Equal(e.Image.Tags.Count, Assert.Single(mine).GetProperty("imageTags").GetArrayLength());
    }

    [Fact]
    public async Task Describe_images_for_a_missing_tag_fails_with_ImageNotFoundException() =>
        FailsWith((await Aws("ecr", "describe-images", "--repository-name", TestEndpoint.Repository, "--image-ids", "imageTag=no-such-tag")).R, "ImageNotFoundException");

    [Fact]
    public async Task Describe_images_for_a_missing_repository_fails_with_RepositoryNotFoundException() =>
        FailsWith((await Aws("ecr", "describe-images", "--repository-name", "sandbox-tests/no-such-repository")).R, "RepositoryNotFoundException");

    [Fact]
    public async Task Batch_get_image_returns_the_exact_manifest_and_a_failure_for_a_missing_tag()
    {
        var e = await endpoint.StartedAsync();
        var result = Ok(await AwsCli.RunAsync(e.Url, e.Key,
            ["ecr", "batch-get-image", "--repository-name", TestEndpoint.Repository, "--image-ids", $"imageTag={e.Image.Tags[0]}", "imageTag=no-such-tag"], Ct));
        var image = Assert.Single(result.GetProperty("images").EnumerateArray());
        var manifest = image.GetProperty("imageManifest").GetString()!;
        Assert.Equal(e.Image.Manifest, manifest);
        Assert.Equal(e.Image.Digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest))));
        Assert.Equal(e.Image.Digest, image.GetProperty("imageId").GetProperty("imageDigest").GetString());
        var failure = Assert.Single(result.GetProperty("failures").EnumerateArray());
        Assert.Equal("ImageNotFound", failure.GetProperty("failureCode").GetString());
        Assert.Equal("no-such-tag", failure.GetProperty("imageId").GetProperty("imageTag").GetString());
    }

    [Fact]
    public async Task A_wrong_secret_key_fails_with_InvalidSignatureException()
    {
        var e = await endpoint.StartedAsync();
        var r = await AwsCli.RunAsync(e.Url, e.Key with { Secret = TestEndpoint.RandomText(40, null) }, ["ecr", "describe-repositories"], Ct);
        FailsWith(r, "InvalidSignatureException");
        Assert.Contains("The request signature we calculated does not match the signature you provided", r.Stderr);
    }

    [Fact]
    public async Task An_unknown_access_key_fails_with_UnrecognizedClientException()
    {
        var e = await endpoint.StartedAsync();
        var r = await AwsCli.RunAsync(e.Url, e.Key with { AccessKeyId = "AKIA" + TestEndpoint.RandomText(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") }, ["ecr", "get-login-password"], Ct);
        FailsWith(r, "UnrecognizedClientException");
        Assert.Contains("The security token included in the request is invalid.", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public async Task Temporary_credentials_are_accepted_with_their_session_token_only()
    {
        var e = await endpoint.StartedAsync();
        Ok(await AwsCli.RunAsync(e.Url, e.TemporaryKey, ["ecr", "describe-repositories", "--repository-names", TestEndpoint.Repository], Ct));
        FailsWith(await AwsCli.RunAsync(e.Url, e.TemporaryKey with { SessionToken = null }, ["ecr", "describe-repositories"], Ct), "UnrecognizedClientException");
    }
}
