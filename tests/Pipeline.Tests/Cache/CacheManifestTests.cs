using Pipeline.Cache;

namespace Pipeline.Tests.Cache;

public sealed class CacheManifestTests
{
    private const string Reference = "127.0.0.1:5000/sandbox/mariadb:10.11";
    private static readonly string Sha = new('a', 64);

    private static readonly CacheEntry Entry = CacheEntry.For(Reference, "/cache");

    private static CacheManifest Manifest() => new(Reference, "sha256:" + new string('1', 64), Entry.Key + ".tar.br",
        "brotli:2", Sha, 1234, 5678, new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Manifest_survives_a_round_trip_through_json()
    {
        var manifest = Manifest();
        Assert.Equal(manifest, CacheManifest.Parse(manifest.ToJson()));
        Assert.Contains("\"imageId\"", manifest.ToJson());
    }

    [Fact]
    public async Task Manifest_written_atomically_reads_back_and_leaves_no_temp_file()
    {
        var directory = Directory.CreateTempSubdirectory("cache-manifest-").FullName;
        try
        {
            var entry = CacheEntry.For(Reference, directory);
            await AtomicFile.WriteAllTextAsync(entry.NewTempPath(), entry.ManifestPath, Manifest().ToJson(), TestContext.Current.CancellationToken);
            Assert.Equal(Manifest(), await CacheManifest.ReadAsync(entry, TestContext.Current.CancellationToken));
            Assert.Equal([Path.GetFileName(entry.ManifestPath)], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_manifest_reads_as_none() =>
        Assert.Null(await CacheManifest.ReadAsync(CacheEntry.For("redis:7.0", Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}")),
            TestContext.Current.CancellationToken));

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("""{ "reference": "x" }""")]
    [InlineData("""{ "schema": 99, "reference": "r", "imageId": "i", "tarball": "t", "compression": "none", "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "size": 1 }""")]
    public void A_damaged_or_foreign_manifest_is_not_trusted(string json) => Assert.Null(CacheManifest.Parse(json));

    [Fact]
    public void The_tarball_it_describes_must_match_reference_name_size_and_sha256()
    {
        var manifest = Manifest();
        Assert.True(manifest.Describes(Reference, manifest.Tarball, 1234, Sha.ToUpperInvariant()));
        Assert.False(manifest.Describes(Reference + "x", manifest.Tarball, 1234, Sha), "other reference");
        Assert.False(manifest.Describes(Reference, "other.tar.br", 1234, Sha), "other file");
        Assert.False(manifest.Describes(Reference, manifest.Tarball, 1233, Sha), "wrong size");
        Assert.False(manifest.Describes(Reference, manifest.Tarball, 1234, new string('b', 64)), "wrong sha256");
    }

    [Theory]
    [InlineData("../../etc/passwd", "brotli:2")]
    [InlineData("/etc/passwd", "brotli:2")]
    [InlineData(null, "gzip:6")]
    [InlineData(null, "zstd")]
    public void A_manifest_naming_another_file_than_its_entry_would_hold_is_ignored(string? tarball, string compression)
    {
        var manifest = Manifest() with { Tarball = tarball ?? Manifest().Tarball, Compression = compression };
        Assert.True(Manifest().BelongsTo(Entry));
        Assert.False(manifest.BelongsTo(Entry));
        Assert.False(Manifest().BelongsTo(CacheEntry.For("redis:7.0", "/cache")));
    }

    [Fact]
    public void The_engine_image_must_be_the_recorded_one()
    {
        var manifest = Manifest();
        Assert.True(manifest.RecordsImage(manifest.ImageId));
        Assert.False(manifest.RecordsImage("sha256:" + new string('2', 64)));
        Assert.False(manifest.RecordsImage(null));
    }
}
