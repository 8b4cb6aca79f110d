using Pipeline.Docker;

namespace Pipeline.Tests.EndToEnd;

/// <summary>The images the runs of one test class built for its own repository, removed when the class is done.</summary>
public sealed class BuiltImages(string prefix) : IAsyncLifetime
{
    private readonly DockerEngine _engine = DockerEngine.FromEnvironment();
    private readonly DanglingImages _dangling = new();

    public string Repository { get; } = prefix + Guid.NewGuid().ToString("N")[..8];

    public DockerEngine Engine => _engine;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var image in await _engine.Images.ListByLabelAsync($"pipeline.repository={Repository}", default))
        {
            try
            {
                await _engine.Images.RemoveAsync(image.Id, force: true, default);
            }
            catch (DockerApiException)
            {
                // Still in use by a running container (the production service runs the last good deploy's image).
            }
        }
        _dangling.RemoveNew();
        _engine.Dispose();
    }
}
