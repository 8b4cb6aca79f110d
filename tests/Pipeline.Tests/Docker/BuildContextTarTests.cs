using System.Formats.Tar;
using System.Security.Cryptography;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

public sealed class BuildContextTarTests : IDisposable
{
    private readonly string _context = Directory.CreateTempSubdirectory("pipeline-context-").FullName;

    public BuildContextTarTests()
    {
        Write("Dockerfile", "FROM scratch\n");
        Write(".dockerignore", "*.log\nsecret\n!secret/keep.txt\nDockerfile\n.dockerignore\n");
        Write("app.sh", "#!/bin/sh\necho hi\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(_context, "app.sh"), (UnixFileMode)Convert.ToInt32("755", 8));
        Write("a.txt", "a");
        Write("a/b.txt", "b");
        Write("debug.log", "noise");
        Write("secret/key", "do not send");
        Write("secret/keep.txt", "keep");
        File.CreateSymbolicLink(Path.Combine(_context, "link"), "a.txt");
    }

    [Fact]
    public async Task Entries_are_sorted_in_walk_order_without_ignored_files()
    {
        var entries = await ReadEntriesAsync(await WriteAsync());
        Assert.Equal(
            [".dockerignore", "Dockerfile", "a/", "a/b.txt", "a.txt", "app.sh", "link", "secret/keep.txt"],
            entries.Select(e => e.Name));
    }

    [Fact]
    public async Task Modes_are_kept_and_owner_and_mtime_are_normalised()
    {
        var entries = await ReadEntriesAsync(await WriteAsync());
        var script = entries.Single(e => e.Name == "app.sh");
        Assert.True(script.Mode.HasFlag(UnixFileMode.UserExecute));
        Assert.False(entries.Single(e => e.Name == "a.txt").Mode.HasFlag(UnixFileMode.UserExecute));
        Assert.All(entries, e =>
        {
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
            Assert.Equal(BuildContextTar.FixedModificationTime, e.ModificationTime);
        });
    }

    [Fact]
    public async Task Symlinks_stay_symlinks()
    {
        var link = (await ReadEntriesAsync(await WriteAsync())).Single(e => e.Name == "link");
        Assert.Equal(TarEntryType.SymbolicLink, link.EntryType);
        Assert.Equal("a.txt", link.LinkName);
    }

    [Fact]
    public async Task File_contents_are_sent()
    {
        var tar = await WriteAsync();
        using var reader = new TarReader(new MemoryStream(tar));
        var cancellation = TestContext.Current.CancellationToken;
        while (await reader.GetNextEntryAsync(cancellationToken: cancellation) is { } entry)
        {
            if (entry.Name != "secret/keep.txt") continue;
            Assert.Equal("keep", await new StreamReader(entry.DataStream!).ReadToEndAsync(cancellation));
            return;
        }
        Assert.Fail("secret/keep.txt is missing");
    }

    [Fact]
    public async Task Same_sources_give_identical_bytes_even_after_a_touch()
    {
        var first = await WriteAsync();
        File.SetLastWriteTimeUtc(Path.Combine(_context, "a.txt"), DateTime.UtcNow.AddDays(-3));
        await Task.Delay(1100, TestContext.Current.CancellationToken);
        var second = await WriteAsync();
        Assert.Equal(Convert.ToHexString(SHA256.HashData(first)), Convert.ToHexString(SHA256.HashData(second)));
    }

    [Fact]
    public async Task Dockerfile_in_a_subdirectory_is_sent_even_when_its_directory_is_ignored()
    {
        Write("docker/Dockerfile", "FROM scratch\n");
        Write("docker/other", "x");
        Write(".dockerignore", "docker\n");
        var tar = await BuildContextTar.CreateAsync(_context, "docker/Dockerfile", TestContext.Current.CancellationToken);
        Assert.Contains("docker/Dockerfile", tar.EntryNames());
        Assert.DoesNotContain("docker/other", tar.EntryNames());
    }

    [Fact]
    public async Task Missing_dockerfile_is_a_clear_error()
    {
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            BuildContextTar.CreateAsync(_context, "docker/Nope", TestContext.Current.CancellationToken));
        Assert.Contains("docker/Nope", failure.Message);
    }

    [Theory]
    [InlineData("../Dockerfile")]
    [InlineData("/etc/Dockerfile")]
    [InlineData("docker/../../Dockerfile")]
    public async Task Dockerfile_outside_the_context_is_refused(string dockerfile)
    {
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            BuildContextTar.CreateAsync(_context, dockerfile, TestContext.Current.CancellationToken));
        Assert.Contains("outside the build context", failure.Message);
    }

    private async Task<byte[]> WriteAsync()
    {
        var tar = await BuildContextTar.CreateAsync(_context, "Dockerfile", TestContext.Current.CancellationToken);
        using var buffer = new MemoryStream();
        await tar.WriteAsync(buffer, TestContext.Current.CancellationToken);
        return buffer.ToArray();
    }

    private static async Task<List<TarEntry>> ReadEntriesAsync(byte[] tar)
    {
        var entries = new List<TarEntry>();
        using var reader = new TarReader(new MemoryStream(tar));
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry) entries.Add(entry);
        return entries;
    }

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_context, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public void Dispose() => Directory.Delete(_context, recursive: true);
}
