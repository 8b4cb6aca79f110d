using System.Text.Json;
using AwsEndpoint.Protocol;
using AwsEndpoint.Registry;
using AwsEndpoint.Ecr.Shapes;

namespace AwsEndpoint.Ecr;

/// <summary>DescribeImages and BatchGetImage, answered from the registry's tags and manifests on every call.</summary>
public sealed class EcrImageOperations(EcrRegistryView view)
{
    // Bounded fan-out to the registry: a repository with many tags must not open hundreds of connections at once.
    private const int RegistryParallelism = 8;

    public async Task<object> DescribeImagesAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<DescribeImagesRequest>(input);
        EcrRequestRules.RegistryId(request.RegistryId, view.Account);
        var repository = EcrRequestRules.RepositoryName(request.RepositoryName);
        var tags = await view.TagsOfExistingAsync(repository, ct);
        var tagged = await TaggedManifestsAsync(repository, tags, ct);

        List<ImageDetail> details;
        if (request.ImageIds is { Count: > 0 } ids)
        {
            if (request.MaxResults is not null || request.NextToken is not null)
                throw AwsServiceException.InvalidParameter("maxResults and nextToken cannot be used with imageIds");
            details = [];
            foreach (var id in ids)
            {
                var manifest = await ResolveAsync(repository, id, null, ct) ?? throw EcrErrors.ImageNotFound(view.Account, repository, id);
                if (details.All(d => d.ImageDigest != manifest.Digest)) details.Add(Detail(repository, manifest, tagged));
            }
            return new DescribeImagesResponse(details, null);
        }

        // The registry API cannot list untagged manifests, so UNTAGGED finds none (they are still found by digest).
        details = request.Filter?.TagStatus == "UNTAGGED"
            ? []
            : tagged.Values.DistinctBy(m => m.Digest).Select(m => Detail(repository, m, tagged))
                .OrderBy(d => d.ImagePushedAt).ThenBy(d => d.ImageDigest, StringComparer.Ordinal).ToList();
        var (offset, limit) = EcrRequestRules.Page(request.NextToken, request.MaxResults, 100);
        return new DescribeImagesResponse(details.Skip(offset).Take(limit).ToList(), EcrRequestRules.NextToken(offset, limit, details.Count));
    }

    public async Task<object> BatchGetImageAsync(JsonElement input, CancellationToken ct)
    {
        var request = AwsJson.Read<BatchGetImageRequest>(input);
        EcrRequestRules.RegistryId(request.RegistryId, view.Account);
        var repository = EcrRequestRules.RepositoryName(request.RepositoryName);
        if (request.ImageIds is not { Count: > 0 } ids)
            throw AwsServiceException.Validation("1 validation error detected: Value null at 'imageIds' failed to satisfy constraint: Member must not be null");
        await view.TagsOfExistingAsync(repository, ct);

        var images = new List<Image>();
        var failures = new List<ImageFailure>();
        foreach (var id in ids)
        {
            var failure = Invalid(id);
            if (failure is not null) { failures.Add(failure); continue; }
            var manifest = await ResolveAsync(repository, id, request.AcceptedMediaTypes, ct);
            if (manifest is null)
                failures.Add(await MismatchOrMissingAsync(repository, id, ct));
            else if (request.AcceptedMediaTypes is { Count: > 0 } accepted && !accepted.Contains(manifest.MediaType))
                failures.Add(new ImageFailure(id, "ImageNotFound", $"Requested image not found in acceptedMediaTypes (it is {manifest.MediaType})"));
            else
                images.Add(new Image(view.Account, repository, new ImageIdentifier(manifest.Digest, id.ImageTag), manifest.Body, manifest.MediaType));
        }
        return new BatchGetImageResponse(images, failures);
    }

    /// <summary>The manifest an image id names; with both digest and tag, only if the tag points at that digest.</summary>
    private async Task<RegistryManifest?> ResolveAsync(string repository, ImageIdentifier id, IReadOnlyList<string>? accept, CancellationToken ct)
    {
        if (id.ImageDigest is null && id.ImageTag is null) return null;
        if (id.ImageDigest is not null && !EcrRequestRules.IsValidDigest(id.ImageDigest)) return null;
        var manifest = await view.Registry.GetManifestAsync(repository, id.ImageDigest ?? id.ImageTag!, accept is { Count: > 0 } ? accept : null, ct);
        if (manifest is null || id.ImageDigest is null || id.ImageTag is null) return manifest;
        var byTag = await view.Registry.GetManifestAsync(repository, id.ImageTag, null, ct);
        return byTag?.Digest == manifest.Digest ? manifest : null;
    }

    private static ImageFailure? Invalid(ImageIdentifier id) =>
        id.ImageDigest is null && id.ImageTag is null
            ? new ImageFailure(id, "MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null")
            : id.ImageDigest is not null && !EcrRequestRules.IsValidDigest(id.ImageDigest)
                ? new ImageFailure(id, "InvalidImageDigest", "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'")
                : null;

    private async Task<ImageFailure> MismatchOrMissingAsync(string repository, ImageIdentifier id, CancellationToken ct)
    {
        if (id.ImageDigest is not null && id.ImageTag is not null
            && await view.Registry.GetManifestAsync(repository, id.ImageDigest, null, ct) is not null
            && await view.Registry.GetManifestAsync(repository, id.ImageTag, null, ct) is not null)
            return new ImageFailure(id, "ImageTagDoesNotMatchDigest", "Invalid request parameters: image tag and digest do not match");
        return new ImageFailure(id, "ImageNotFound", "Requested image not found");
    }

    /// <summary>tag → manifest for every tag, so each image lists all the tags that point at it.</summary>
    private async Task<IReadOnlyDictionary<string, RegistryManifest>> TaggedManifestsAsync(string repository, IReadOnlyList<string> tags, CancellationToken ct)
    {
        var result = new System.Collections.Concurrent.ConcurrentDictionary<string, RegistryManifest>();
        await Parallel.ForEachAsync(tags, new ParallelOptions { MaxDegreeOfParallelism = RegistryParallelism, CancellationToken = ct },
            async (tag, token) =>
            {
                // A tag deleted between the listing and this read simply drops out, as on AWS.
                if (await view.Registry.GetManifestAsync(repository, tag, null, token) is { } m) result[tag] = m;
            });
        return result;
    }

    private ImageDetail Detail(string repository, RegistryManifest manifest, IReadOnlyDictionary<string, RegistryManifest> tagged)
    {
        var tags = tagged.Where(t => t.Value.Digest == manifest.Digest).Select(t => t.Key).Order(StringComparer.Ordinal).ToList();
        return new ImageDetail(view.Account, repository, manifest.Digest, tags.Count > 0 ? tags : null,
            ManifestFacts.SizeInBytes(manifest), ManifestFacts.PushedAt(view.Options.RegistryDataPath, repository, manifest.Digest),
            manifest.MediaType, ManifestFacts.ArtifactMediaType(manifest));
    }
}
