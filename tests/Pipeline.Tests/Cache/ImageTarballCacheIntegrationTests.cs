using Pipeline.Cache;

namespace Pipeline.Tests.Cache;

/// <summary>The cache against the real engine and an isolated registry; each test has its own image and cache dir.</summary>
public sealed class ImageTarballCacheIntegrationTests(CacheRegistryFixture fixture) : IClassFixture<CacheRegistryFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-image-cache-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Cold_run_pulls_from_the_registry_and_writes_tarball_and_manifest()
    {
        var image = await fixture.PublishImageAsync("cold", Cancellation);

        var result = Assert.Single(await fixture.Cache(_directory).RestoreAsync([image], Cancellation));

        Assert.Equal(CacheOutcome.PulledAndSaved, result.Outcome);
        var (entry, manifest) = await ReadEntryAsync(image);
        Assert.Equal((await fixture.Engine.Images.InspectAsync(image, Cancellation))?.Id, manifest.ImageId);
        Assert.Equal(entry.PathOf(entry.TarballName(TarballCompression.Default)), result.TarballPath);
        Assert.Null(await TarballTransfer.VerifyAsync(entry, manifest, Cancellation));
        Assert.True(manifest.Size < manifest.ImageBytes, $"{manifest.Size} compressed bytes of {manifest.ImageBytes}");
    }

    [Fact]
    public async Task Second_run_finds_the_image_in_the_engine_and_does_nothing()
    {
        var image = await fixture.PublishImageAsync("present", Cancellation);
        await fixture.Cache(_directory).RestoreAsync([image], Cancellation);
        var before = File.GetLastWriteTimeUtc((await ReadEntryAsync(image)).Entry.ManifestPath);

        var result = Assert.Single(await fixture.Cache(_directory).RestoreAsync([image], Cancellation));

        Assert.Equal(CacheOutcome.AlreadyInEngine, result.Outcome);
        Assert.Equal(before, File.GetLastWriteTimeUtc((await ReadEntryAsync(image)).Entry.ManifestPath));
    }

    [Fact]
    public async Task Warm_run_loads_the_tarball_with_the_registry_stopped()
    {
        var image = await fixture.PublishImageAsync("warm", Cancellation);
        var cold = Assert.Single(await fixture.Cache(_directory).RestoreAsync([image], Cancellation));
        await fixture.RemoveFromEngineAsync(image, Cancellation);

        await fixture.Registry.StopAsync();
        try
        {
            Assert.False(await fixture.Registry.AnswersAsync(Cancellation));
            var warm = Assert.Single(await fixture.Cache(_directory).RestoreAsync([image], Cancellation));

            Assert.Equal(CacheOutcome.LoadedFromCache, warm.Outcome);
            Assert.Equal(cold.ImageId, (await fixture.Engine.Images.InspectAsync(image, Cancellation))?.Id);
        }
        finally
        {
            await fixture.Registry.RestartAsync(Cancellation);
        }
    }

    [Fact]
    public async Task Truncated_tarball_is_deleted_and_the_image_pulled_again()
    {
        var image = await fixture.PublishImageAsync("truncated", Cancellation);
        var cold = Assert.Single(await fixture.Cache(_directory).RestoreAsync([image], Cancellation));
        await fixture.RemoveFromEngineAsync(image, Cancellation);
        await using (var file = new FileStream(cold.TarballPath, FileMode.Open)) file.SetLength(file.Length / 2);

        var repaired = Assert.Single(await fixture.Cache(_directory).RestoreAsync([image], Cancellation));

        Assert.Equal(CacheOutcome.PulledAndSaved, repaired.Outcome);
        Assert.Contains("bytes, the manifest says", repaired.Repair);
        Assert.Equal(cold.ImageId, (await fixture.Engine.Images.InspectAsync(image, Cancellation))?.Id);
        var (entry, manifest) = await ReadEntryAsync(image);
        Assert.Null(await TarballTransfer.VerifyAsync(entry, manifest, Cancellation));
        Assert.Equal(cold.TarballBytes, new FileInfo(repaired.TarballPath).Length);
    }

    [Fact]
    public async Task Damaged_tarball_of_an_image_the_engine_still_has_is_saved_again_without_the_registry()
    {
        var image = await fixture.PublishImageAsync("resave", Cancellation);
        var cold = Assert.Single(await fixture.Cache(_directory).RestoreAsync([image], Cancellation));
        await using (var file = new FileStream(cold.TarballPath, FileMode.Open))
        {
            file.Position = file.Length / 2;
            var original = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)~original);
        }

        await fixture.Registry.StopAsync();
        try
        {
            var repaired = Assert.Single(await fixture.Cache(_directory).RestoreAsync([image], Cancellation));

            Assert.Equal(CacheOutcome.SavedFromEngine, repaired.Outcome);
            Assert.Contains("has sha256", repaired.Repair);
            var (entry, manifest) = await ReadEntryAsync(image);
            Assert.Null(await TarballTransfer.VerifyAsync(entry, manifest, Cancellation));
        }
        finally
        {
            await fixture.Registry.RestartAsync(Cancellation);
        }
    }

    [Fact]
    public async Task Tarball_the_engine_refuses_is_deleted_and_the_image_pulled_again()
    {
        var image = await fixture.PublishImageAsync("refused", Cancellation);
        var cold = Assert.Single(await fixture.Cache(_directory, TarballCompression.None).RestoreAsync([image], Cancellation));
        await fixture.RemoveFromEngineAsync(image, Cancellation);
        // Garbage whose manifest vouches for it (size and sha256 match): only the load itself can tell.
        var (entry, manifest) = await ReadEntryAsync(image);
        var garbage = new byte[4096];
        Random.Shared.NextBytes(garbage);
        await File.WriteAllBytesAsync(cold.TarballPath, garbage, Cancellation);
        var forged = manifest with { Size = garbage.Length, Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(garbage)) };
        await File.WriteAllTextAsync(entry.ManifestPath, forged.ToJson(), Cancellation);

        var repaired = Assert.Single(await fixture.Cache(_directory, TarballCompression.None).RestoreAsync([image], Cancellation));

        Assert.Equal(CacheOutcome.PulledAndSaved, repaired.Outcome);
        Assert.Contains("the engine refused it", repaired.Repair);
        Assert.Equal(cold.ImageId, repaired.ImageId);
        Assert.Null(await TarballTransfer.VerifyAsync(entry, (await ReadEntryAsync(image)).Manifest, Cancellation));
    }

    [Fact]
    public async Task Two_caches_writing_one_directory_at_once_leave_one_valid_entry_and_no_temp_files()
    {
        var image = await fixture.PublishImageAsync("race", Cancellation);

        var results = await Task.WhenAll(
            fixture.Cache(_directory).RestoreAsync([image], Cancellation),
            fixture.Cache(_directory).RestoreAsync([image], Cancellation));

        var outcomes = results.Select(r => Assert.Single(r).Outcome).Order().ToList();
        Assert.Equal([CacheOutcome.AlreadyInEngine, CacheOutcome.PulledAndSaved], outcomes);
        var names = Directory.GetFiles(_directory).Select(Path.GetFileName).ToList();
        Assert.Single(names, n => n!.EndsWith(".json"));
        Assert.Single(names, n => n!.Contains(".tar"));
        Assert.DoesNotContain(names, n => n!.EndsWith(".tmp"));
        var (entry, manifest) = await ReadEntryAsync(image);
        Assert.Null(await TarballTransfer.VerifyAsync(entry, manifest, Cancellation));
    }

    [Fact]
    public async Task Prune_removes_an_unreferenced_tarball_and_keeps_the_referenced_one()
    {
        var kept = await fixture.PublishImageAsync("kept", Cancellation);
        var dropped = await fixture.PublishImageAsync("dropped", Cancellation);
        var both = await fixture.Cache(_directory).RestoreAsync([kept, dropped], Cancellation);
        var foreign = Path.Combine(_directory, "mysql.tar");
        await File.WriteAllTextAsync(foreign, "a person's own tarball", Cancellation);
        var staleTemp = CacheEntry.For(dropped, _directory).NewTempPath();
        await File.WriteAllTextAsync(staleTemp, "left by a pipeline that died", Cancellation);
        File.SetLastWriteTimeUtc(staleTemp, DateTime.UtcNow.AddHours(-2));

        var result = Assert.Single(await fixture.Cache(_directory).RestoreAsync([kept], Cancellation));

        Assert.Equal(CacheOutcome.AlreadyInEngine, result.Outcome);
        Assert.True(File.Exists(both[0].TarballPath));
        Assert.True(File.Exists(CacheEntry.For(kept, _directory).ManifestPath));
        Assert.False(File.Exists(both[1].TarballPath));
        Assert.False(File.Exists(CacheEntry.For(dropped, _directory).ManifestPath));
        Assert.False(File.Exists(staleTemp));
        Assert.True(File.Exists(foreign));
    }

    [Fact]
    public async Task Dry_run_says_load_for_an_entry_and_pull_and_save_without_one()
    {
        var image = await fixture.PublishImageAsync("dryrun", Cancellation);
        var settings = new ImageCacheSettings(_directory, TarballCompression.Default, []);
        var entry = CacheEntry.For(image, _directory);
        Assert.StartsWith($"{image}: no cache entry yet: save it from the engine if there, else pull it; then save it to " +
                          entry.PathOf(entry.TarballName(TarballCompression.Default)),
            ImageTarballCache.Describe(settings, [image]).First());

        var cold = Assert.Single(await fixture.Cache(_directory).RestoreAsync([image], Cancellation));

        Assert.StartsWith($"{image}: nothing if the engine has image {cold.ImageId[..19]}, else load {cold.TarballPath}",
            ImageTarballCache.Describe(settings, [image]).First());
    }

    [Fact]
    public async Task A_cache_dir_that_cannot_be_created_names_the_dir_and_the_setting()
    {
        var file = Path.Combine(_directory, "a-file");
        await File.WriteAllTextAsync(file, "", Cancellation);
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            fixture.Cache(Path.Combine(file, "cache")).RestoreAsync(["redis:7.0"], Cancellation));
        Assert.Contains(Path.Combine(file, "cache"), failure.Message);
        Assert.Contains("DOCKER_CACHE_DIR", failure.Fix);
    }

    private async Task<(CacheEntry Entry, CacheManifest Manifest)> ReadEntryAsync(string image)
    {
        var entry = CacheEntry.For(image, _directory);
        var manifest = await CacheManifest.ReadAsync(entry, Cancellation);
        Assert.NotNull(manifest);
        return (entry, manifest);
    }
}
