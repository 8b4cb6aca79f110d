using Pipeline.Cache;
using Pipeline.Docker;
using Pipeline.Tests.Docker;

namespace Pipeline.Tests.Cache;

/// <summary>
/// The real engine (through the Docker tests' fixture, which removes every labelled image at the end) plus an
/// isolated registry holding small test images. Fails, never skips, when either is missing.
/// </summary>
public sealed class CacheRegistryFixture : IAsyncLifetime
{
    public DockerEngineFixture Docker { get; } = new();

    public IsolatedRegistry Registry { get; private set; } = null!;

    public IDockerEngine Engine => Docker.Engine;

    public async ValueTask InitializeAsync()
    {
        await Docker.InitializeAsync();
        Registry = await IsolatedRegistry.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (Registry is not null) await Registry.DisposeAsync();
        await Docker.DisposeAsync();
    }

    /// <summary>
    /// Builds a small labelled image (some noise, some text) as registry/pipeline-tests/cache-name:runid, pushes it,
    /// and removes it from the engine, so the next step has to pull or load it. Returns the reference.
    /// </summary>
    public async Task<string> PublishImageAsync(string name, CancellationToken cancellation)
    {
        var context = Directory.CreateTempSubdirectory("pipeline-cache-image-").FullName;
        var reference = $"{Registry.Address}/pipeline-tests/cache-{name}:{Docker.RunId}";
        try
        {
            await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"),
                $"FROM scratch\nLABEL {Docker.Label}\nCOPY noise.bin text.txt /\n", cancellation);
            var noise = new byte[1 << 20];
            Random.Shared.NextBytes(noise);
            await File.WriteAllBytesAsync(Path.Combine(context, "noise.bin"), noise, cancellation);
            await File.WriteAllTextAsync(Path.Combine(context, "text.txt"),
                string.Concat(Enumerable.Repeat($"{name} {Docker.RunId} {Guid.NewGuid()}\n", 50_000)), cancellation);
            var id = await Engine.Builds.BuildAsync(new ImageBuildRequest(context) { Tags = [reference] }, cancellation);
            await Engine.Images.PushAsync(reference, credentials: null, cancellation);
            await Engine.Images.RemoveAsync(id, force: true, cancellation);
            return reference;
        }
        finally
        {
            Directory.Delete(context, recursive: true);
        }
    }

    /// <summary>Removes the image (every name of it) from the engine, as on a fresh CI machine.</summary>
    public async Task RemoveFromEngineAsync(string reference, CancellationToken cancellation)
    {
        if (await Engine.Images.InspectAsync(reference, cancellation) is { } image)
            await Engine.Images.RemoveAsync(image.Id, force: true, cancellation);
        Assert.Null(await Engine.Images.InspectAsync(reference, cancellation));
    }

    public ImageTarballCache Cache(string directory, TarballCompression? compression = null) =>
        new(Engine, new ImageCacheSettings(directory, compression ?? TarballCompression.Default, []), _ => null);
}
