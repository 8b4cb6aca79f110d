using Pipeline.Config;

namespace Pipeline.Tests.Config;

/// <summary>
/// The tested-image archive and the tarball cache each prune the files they do not know: sharing a directory, or
/// one inside the other, makes every prune delete the other's entries.
/// </summary>
public sealed class ArchiveDirectoryTests : IDisposable
{
    private readonly TestRepository _repository = new();

    public void Dispose() => _repository.Dispose();

    private PipelineSettings Resolve(string cache, string archive) => _repository.Resolve(new Dictionary<string, string>
    {
        ["DOCKER_CACHE_DIR"] = cache,
        ["IMAGE_ARCHIVE_DIR"] = archive,
    });

    [Theory]
    [InlineData("/tmp/ci/docker", "/tmp/ci/docker")]
    [InlineData("/tmp/ci/docker", "/tmp/ci/docker/")]
    [InlineData("/tmp/ci/docker", "/tmp/ci/./docker")]
    [InlineData("/tmp/ci/docker", "/tmp/ci/docker/tested-image")]
    [InlineData("/tmp/ci/docker/cache", "/tmp/ci/docker")]
    [InlineData("/", "/tmp/tested-image")]
    public void An_archive_directory_that_overlaps_the_cache_is_refused_naming_both(string cache, string archive)
    {
        var error = Assert.Throws<PipelineException>(() => Resolve(cache, archive));
        Assert.Contains("IMAGE_ARCHIVE_DIR", error.Message);
        Assert.Contains("DOCKER_CACHE_DIR", error.Message);
        Assert.Contains("prune", error.Fix);
    }

    [Fact]
    public void The_default_cache_directory_is_named_as_the_default()
    {
        var error = Assert.Throws<PipelineException>(() => _repository.Resolve(new Dictionary<string, string> { ["IMAGE_ARCHIVE_DIR"] = "~/docker/tested" }));
        Assert.Contains("IMAGE_ARCHIVE_DIR", error.Message);
        Assert.Contains("--cache-dir / DOCKER_CACHE_DIR (the default)", error.Message);
    }

    [Theory]
    [InlineData("/tmp/ci/docker", "/tmp/ci/docker2")]
    [InlineData("/tmp/ci/docker", "/tmp/tested-image")]
    [InlineData("/tmp/ci/docker-cache", "/tmp/ci/docker")]
    public void Separate_directories_are_fine(string cache, string archive) =>
        Assert.Equal(archive, Resolve(cache, archive).ImageArchiveDirectory);
}
