using Pipeline.Cache;

namespace Pipeline.Tests.Cache;

public sealed class CachePruneTests
{
    private static readonly DateTime Now = new(2026, 11, 22, 1, 0, 0, DateTimeKind.Utc);
    private static readonly CacheEntry Kept = CacheEntry.For("redis:7.0", "/cache");
    private static readonly CacheEntry Dropped = CacheEntry.For("mysql:5.6.33", "/cache");

    private static IReadOnlyList<string> Select(params (string Name, TimeSpan Age)[] files) => CachePrune.Select(
        files.Select(f => new CacheFile(f.Name, Now - f.Age)),
        new HashSet<string> { Kept.Key + ".json", Kept.Key + ".lock", Kept.Key + ".tar.br" },
        new HashSet<string> { Kept.Key }, Now, TimeSpan.FromHours(1));

    [Fact]
    public void Keeps_the_referenced_entry_and_removes_an_unreferenced_one()
    {
        var doomed = Select(
            (Kept.Key + ".json", TimeSpan.Zero), (Kept.Key + ".tar.br", TimeSpan.Zero), (Kept.Key + ".lock", TimeSpan.Zero),
            (Dropped.Key + ".json", TimeSpan.Zero), (Dropped.Key + ".tar.gz", TimeSpan.Zero), (Dropped.Key + ".lock", TimeSpan.Zero));
        Assert.Equal([Dropped.Key + ".json", Dropped.Key + ".tar.gz", Dropped.Key + ".lock"], doomed);
    }

    [Fact]
    public void Removes_a_configured_image_tarball_its_manifest_no_longer_names()
    {
        // Written before the compression setting changed from gzip to brotli.
        Assert.Equal([Kept.Key + ".tar.gz"], Select((Kept.Key + ".tar.br", TimeSpan.Zero), (Kept.Key + ".tar.gz", TimeSpan.Zero)));
    }

    [Fact]
    public void Removes_temp_files_only_once_they_are_older_than_an_hour()
    {
        var fresh = Path.GetFileName(Kept.NewTempPath());
        var stale = Path.GetFileName(Dropped.NewTempPath());
        Assert.Equal([stale], Select((fresh, TimeSpan.FromMinutes(59)), (stale, TimeSpan.FromMinutes(61))));
    }

    [Fact]
    public void Leaves_files_the_cache_did_not_write_alone()
    {
        Assert.Empty(Select(("mysql.tar", TimeSpan.FromDays(9)), ("notes.txt", TimeSpan.Zero), (".probe.tmp", TimeSpan.FromDays(9)),
            ("redis-7.0.tar.br", TimeSpan.FromDays(9))));
    }

    [Fact]
    public void Keeps_the_lock_of_a_configured_image_without_a_manifest()
    {
        var waiting = CacheEntry.For("node:18", "/cache");
        var doomed = CachePrune.Select([new CacheFile(waiting.Key + ".lock", Now)], new HashSet<string>(),
            new HashSet<string> { waiting.Key }, Now, TimeSpan.FromHours(1));
        Assert.Empty(doomed);
    }
}
