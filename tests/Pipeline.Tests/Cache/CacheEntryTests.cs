using Pipeline.Cache;

namespace Pipeline.Tests.Cache;

public sealed class CacheEntryTests
{
    [Fact]
    public void Key_is_readable_and_owned_by_the_cache()
    {
        var entry = CacheEntry.For("127.0.0.1:5000/sandbox/mariadb:10.11", "/cache");
        Assert.StartsWith("127.0.0.1-5000-sandbox-mariadb-10.11-", entry.Key);
        Assert.Equal("mariadb:10.11", entry.DisplayName);
        Assert.Equal("/cache/" + entry.Key + ".json", entry.ManifestPath);
        Assert.Matches(CacheEntry.OwnFileName(), entry.TarballName(TarballCompression.Default));
        Assert.Matches(CacheEntry.OwnFileName(), Path.GetFileName(entry.LockPath));
        Assert.Matches(CacheEntry.OwnTempFileName(), Path.GetFileName(entry.NewTempPath()));
    }

    [Fact]
    public void References_that_read_alike_get_different_keys()
    {
        Assert.NotEqual(CacheEntry.For("a/b:c", "/cache").Key, CacheEntry.For("a-b:c", "/cache").Key);
        Assert.Equal(CacheEntry.For("redis:7.0", "/cache").Key, CacheEntry.For("redis:7.0", "/other").Key);
    }

    [Fact]
    public void Temp_names_are_unique_so_parallel_writers_never_share_one()
    {
        var entry = CacheEntry.For("redis:7.0", "/cache");
        Assert.NotEqual(entry.NewTempPath(), entry.NewTempPath());
    }
}
