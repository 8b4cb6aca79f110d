using System.Text.Json;

namespace Pipeline.Aws.Ecr;

/// <summary>The ECR calls the pipeline makes: a login token, and what a repository holds under a tag.</summary>
public sealed class EcrClient(AwsJsonClient client)
{
    private static readonly string[] ManifestTypes =
    [
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
    ];

    public AwsServiceEndpoint Endpoint => client.Endpoint;

    public async Task<AuthorizationData> GetAuthorizationTokenAsync(CancellationToken cancellation)
    {
        var response = await client.CallAsync<GetAuthorizationTokenResponse>(
            "GetAuthorizationToken", new GetAuthorizationTokenRequest(), cancellation);
        return response.AuthorizationData?.FirstOrDefault(d => d.AuthorizationToken is not null)
            ?? throw new PipelineException("ECR GetAuthorizationToken returned no token", "Check that the credentials may call ecr:GetAuthorizationToken.");
    }

    /// <summary>
    /// The image a tag points at, as its manifest digest and config digest (the local engine's image ID), or null
    /// when the repository has no such tag.
    /// </summary>
    public async Task<RemoteImage?> FindTagAsync(string repository, string tag, CancellationToken cancellation)
    {
        var response = await client.CallAsync<BatchGetImageResponse>(
            "BatchGetImage", new BatchGetImageRequest(repository, [new ImageIdentifier(ImageTag: tag)], ManifestTypes), cancellation);
        var image = response.Images?.FirstOrDefault();
        if (image?.ImageManifest is null) return null;
        using var manifest = JsonDocument.Parse(image.ImageManifest);
        var config = manifest.RootElement.TryGetProperty("config", out var c) && c.TryGetProperty("digest", out var d) ? d.GetString() : null;
        return new RemoteImage(image.ImageId?.ImageDigest ?? "", config);
    }
}

/// <summary>An image in the registry: its manifest digest, and the digest of its config (the image ID).</summary>
public sealed record RemoteImage(string ManifestDigest, string? ConfigDigest);
