using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AwsEndpoint.Tests.Fixtures;

/// <summary>An image this run pushed; the manifest went in between <paramref name="PutStarted"/> and <paramref name="PutEnded"/>.</summary>
public sealed record PushedImage(string Repository, IReadOnlyList<string> Tags, string Digest, string Manifest, long SizeInBytes,
    DateTimeOffset PutStarted, DateTimeOffset PutEnded);

/// <summary>Pushes a tiny one-layer image straight through the registry API (blob uploads, then the manifest):
/// no engine needed, and the content is unique per run so its digest is too.</summary>
public sealed class RegistryImagePusher(HttpClient registry)
{
    public const string ManifestType = "application/vnd.docker.distribution.manifest.v2+json";

    public static HttpClient CreateClient(string passwordFile)
    {
        var password = File.ReadAllText(passwordFile).TrimEnd('\n', '\r');
        var client = new HttpClient { BaseAddress = new Uri(SandboxPaths.RegistryUrl), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("pipeline:" + password)));
        return client;
    }

    public async Task<PushedImage> PushAsync(string repository, IReadOnlyList<string> tags, CancellationToken ct)
    {
        var (layer, diffId) = Layer($"aws endpoint test image {Guid.NewGuid()}\n");
        var config = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            architecture = "amd64", os = "linux", config = new { }, rootfs = new { type = "layers", diff_ids = new[] { diffId } },
        }));
        var layerDigest = await UploadBlobAsync(repository, layer, ct);
        var configDigest = await UploadBlobAsync(repository, config, ct);
        var manifest = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ManifestType,
            ["config"] = new { mediaType = "application/vnd.docker.container.image.v1+json", size = config.Length, digest = configDigest },
            ["layers"] = new[] { new { mediaType = "application/vnd.docker.image.rootfs.diff.tar.gzip", size = layer.Length, digest = layerDigest } },
        });
        string? digest = null;
        var putStarted = DateTimeOffset.UtcNow;
        foreach (var tag in tags)
        {
            using var content = new StringContent(manifest, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue(ManifestType);
            using var response = await registry.PutAsync($"/v2/{repository}/manifests/{tag}", content, ct);
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"manifest PUT {repository}:{tag}: HTTP {(int)response.StatusCode}");
            digest = response.Headers.GetValues("Docker-Content-Digest").First();
        }
        return new PushedImage(repository, tags, digest!, manifest, config.Length + layer.Length, putStarted, DateTimeOffset.UtcNow);
    }

    public async Task DeleteAsync(PushedImage image, CancellationToken ct)
    {
        using var response = await registry.DeleteAsync($"/v2/{image.Repository}/manifests/{image.Digest}", ct);
    }

    private async Task<string> UploadBlobAsync(string repository, byte[] blob, CancellationToken ct)
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob));
        using var start = await registry.PostAsync($"/v2/{repository}/blobs/uploads/", null, ct);
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, $"blob upload start: HTTP {(int)start.StatusCode}");
        var location = start.Headers.Location!.ToString();
        var url = location + (location.Contains('?') ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);
        using var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await registry.PutAsync(url, content, ct);
        Assert.True(put.StatusCode == HttpStatusCode.Created, $"blob upload: HTTP {(int)put.StatusCode}");
        return digest;
    }

    private static (byte[] Gzipped, string DiffId) Layer(string text)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "hello.txt") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
            writer.WriteEntry(entry);
        }
        var raw = tar.ToArray();
        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(raw);
        return (gz.ToArray(), "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw)));
    }
}
