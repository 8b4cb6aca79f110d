using System.Formats.Tar;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

[Collection(DockerEngineCollection.Name)]
public sealed class ImageArchiveIntegrationTests(DockerEngineFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Saved_image_loads_back_with_its_tag_and_id()
    {
        var context = DockerEngineFixture.CreateContext(
            ("Dockerfile", $"FROM scratch\nLABEL {fixture.Label}\nCOPY data.txt /\n"), ("data.txt", "save-" + fixture.RunId));
        var tag = $"pipeline-tests/saved:{fixture.RunId}";
        string id;
        try
        {
            id = await fixture.Engine.Builds.BuildAsync(new ImageBuildRequest(context) { Tags = [tag] }, Cancellation);
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }

        var tarball = Path.Combine(Path.GetTempPath(), $"pipeline-save-{fixture.RunId}.tar");
        try
        {
            await using (var file = File.Create(tarball))
                await fixture.Engine.Images.SaveAsync([tag], file, Cancellation);
            Assert.Contains("manifest.json", await EntryNamesAsync(tarball));

            await fixture.Engine.Images.RemoveAsync(tag, force: true, Cancellation);
            Assert.Null(await fixture.Engine.Images.InspectAsync(tag, Cancellation));

            await using (var file = File.OpenRead(tarball))
                Assert.Equal([tag], await fixture.Engine.Images.LoadAsync(file, Cancellation));
            Assert.Equal(id, (await fixture.Engine.Images.InspectAsync(tag, Cancellation))?.Id);
        }
        finally
        {
            File.Delete(tarball);
        }
    }

    [Fact]
    public async Task Saving_a_missing_image_is_a_clear_error()
    {
        var failure = await Assert.ThrowsAsync<PipelineException>(() => fixture.Engine.Images.SaveAsync(
            [$"pipeline-tests/absent:{fixture.RunId}"], Stream.Null, Cancellation));
        Assert.Contains($"pipeline-tests/absent:{fixture.RunId}", failure.Message);
    }

    [Fact]
    public async Task Loading_a_damaged_tarball_is_a_clear_error()
    {
        using var garbage = new MemoryStream("this is not a docker save tarball"u8.ToArray());
        var failure = await Assert.ThrowsAsync<PipelineException>(() =>
            fixture.Engine.Images.LoadAsync(garbage, Cancellation));
        Assert.StartsWith("Loading the image tarball failed", failure.Message);
    }

    private static async Task<List<string>> EntryNamesAsync(string tarball)
    {
        var names = new List<string>();
        await using var file = File.OpenRead(tarball);
        await using var reader = new TarReader(file);
        while (await reader.GetNextEntryAsync(cancellationToken: Cancellation) is { } entry) names.Add(entry.Name);
        return names;
    }
}
