using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AwsEndpoint.Protocol;

namespace AwsEndpoint.Registry;

/// <summary>A manifest as the registry serves it: the exact bytes (their sha256 is the digest), media type, digest.</summary>
public sealed record RegistryManifest(string Digest, string MediaType, string Body);

/// <summary>The sandbox registry's HTTP API (distribution 2.8, basic auth as the htpasswd user). ECR's answers are
/// computed from it on every call: the registry is the only place image state lives.</summary>
public sealed class RegistryApiClient(HttpClient http, string user, string passwordFile)
{
    /// <summary>Every manifest kind a push can produce; without them the registry down-converts to schema 1.</summary>
    public static readonly string[] ManifestMediaTypes =
    [
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
    ];

    public async Task<IReadOnlyList<string>> CatalogAsync(CancellationToken ct)
    {
        var names = new List<string>();
        // The registry pages its catalog (default 100) and points at the next page with a Link header.
        var next = "/v2/_catalog?n=1000";
        while (next is not null)
        {
            using var response = await SendAsync(HttpMethod.Get, next, null, ct);
            EnsureOk(response, "catalog");
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (doc.RootElement.TryGetProperty("repositories", out var repos) && repos.ValueKind == JsonValueKind.Array)
                names.AddRange(repos.EnumerateArray().Select(r => r.GetString() ?? ""));
            next = NextLink(response);
        }
        return names;
    }

    /// <summary>The repository's tags, empty for a repository whose tags were all deleted, null when the registry
    /// has never seen the name.</summary>
    public async Task<IReadOnlyList<string>?> TagsAsync(string repository, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/v2/{repository}/tags/list", null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        EnsureOk(response, $"tags of {repository}");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return doc.RootElement.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
            ? tags.EnumerateArray().Select(t => t.GetString() ?? "").ToList()
            : [];
    }

    /// <summary>The manifest for a tag or digest, or null when it does not exist. <paramref name="accept"/> limits
    /// the media types (BatchGetImage's acceptedMediaTypes); by default every kind is accepted.</summary>
    public async Task<RegistryManifest?> GetManifestAsync(string repository, string reference, IReadOnlyList<string>? accept, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/v2/{repository}/manifests/{reference}", accept ?? ManifestMediaTypes, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        EnsureOk(response, $"manifest {repository}:{reference}");
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var d) ? d.First() : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? ManifestMediaTypes[0];
        return new RegistryManifest(digest, mediaType, Encoding.UTF8.GetString(bytes));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, IReadOnlyList<string>? accept, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var type in accept ?? []) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        // Read per call: the sandbox may regenerate the password, and it is never cached in memory longer than needed.
        var password = (await File.ReadAllTextAsync(passwordFile, ct)).TrimEnd('\n', '\r');
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        try
        {
            return await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw Unavailable($"not reachable ({e.Message}); start it with sandbox/up.sh");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw Unavailable("did not answer in time");
        }
    }

    private void EnsureOk(HttpResponseMessage response, string what)
    {
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw Unavailable($"rejected the sandbox password for {what} (HTTP 401); is {passwordFile} the one the registry was set up with?");
        if (!response.IsSuccessStatusCode)
            throw Unavailable($"answered HTTP {(int)response.StatusCode} for {what}");
    }

    private AwsServiceException Unavailable(string detail) =>
        new("ServerException", $"The sandbox registry {http.BaseAddress} {detail}.", HttpStatusCode.InternalServerError);

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links)) return null;
        var link = links.First();
        var start = link.IndexOf('<');
        var end = link.IndexOf('>');
        return start >= 0 && end > start ? link[(start + 1)..end] : null;
    }
}
