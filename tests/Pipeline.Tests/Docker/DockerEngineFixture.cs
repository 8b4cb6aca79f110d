using System.Text.Json;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

/// <summary>
/// The real engine, shared by the integration tests. It fails, never skips, when the engine does not answer, and
/// removes every image the tests made (they all carry <see cref="Label"/>) when the tests are done.
/// </summary>
public sealed class DockerEngineFixture : IAsyncLifetime
{
    public const string LabelKey = "pipeline.tests.docker-client";

    public DockerEngineFixture()
    {
        Engine = DockerEngine.FromEnvironment();
        Sandbox = SandboxFacts.Read();
    }

    public IDockerEngine Engine { get; }

    /// <summary>Tells this run's images from other runs' (tests may run in parallel on one engine).</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..12];

    public string Label => $"{LabelKey}={RunId}";

    public string ApiVersion { get; private set; } = "";

    /// <summary>What sandbox/up.sh wrote, or null when it has not run on this machine.</summary>
    public SandboxFacts? Sandbox { get; }

    public SandboxFacts RequireSandbox() => Sandbox ?? throw new InvalidOperationException(
        $"This test needs the sandbox registry, but {SandboxFacts.FilePath} does not exist. Run sandbox/up.sh first.");

    public async ValueTask InitializeAsync()
    {
        try
        {
            ApiVersion = await Engine.PingAsync(CancellationToken.None);
        }
        catch (PipelineException failure)
        {
            throw new InvalidOperationException(
                $"The Docker engine integration tests need a running engine at {Engine.Endpoint}: {failure.Message}. " +
                "Start it with sandbox/up.sh (or `dockerd &`), or set DOCKER_HOST. These tests do not skip.", failure);
        }
    }

    private readonly SemaphoreSlim _shellImageGate = new(1, 1);
    private string? _shellImage;

    /// <summary>
    /// A tiny image with a shell, made from this machine's own dash, sleep and cat and their libraries, so container
    /// tests need no base image and no registry. Built once per run.
    /// </summary>
    public async Task<string> ShellImageAsync()
    {
        await _shellImageGate.WaitAsync();
        try
        {
            if (_shellImage is not null) return _shellImage;
            var context = ShellImageContext.Create(Label);
            try
            {
                var tag = $"pipeline-tests/shell:{RunId}";
                await Engine.Builds.BuildAsync(new ImageBuildRequest(context) { Tags = [tag] }, CancellationToken.None);
                return _shellImage = tag;
            }
            finally
            {
                Directory.Delete(context, recursive: true);
            }
        }
        finally
        {
            _shellImageGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (ApiVersion.Length == 0)
        {
            // The engine never answered, so there is nothing to clean up, and asking again would only add noise.
            Engine.Dispose();
            _shellImageGate.Dispose();
            return;
        }
        foreach (var container in await Engine.Containers.ListByLabelAsync(Label, CancellationToken.None))
            await Engine.Containers.RemoveAsync(container.Id, CancellationToken.None);
        foreach (var network in await Engine.Networks.ListByLabelAsync(Label, CancellationToken.None))
            await Engine.Networks.RemoveAsync(network.Id, CancellationToken.None);

        // Intermediate images of a build are parents of later ones, and a parent cannot go before its children,
        // so removal repeats until a pass removes nothing.
        for (var pass = 0; pass < 10; pass++)
        {
            var images = await Engine.Images.ListByLabelAsync(Label, CancellationToken.None);
            var removed = 0;
            foreach (var image in images)
            {
                try
                {
                    if (await Engine.Images.RemoveAsync(image.Id, force: true, CancellationToken.None)) removed++;
                }
                catch (DockerApiException)
                {
                }
            }
            if (images.Count == 0 || removed == 0) break;
        }
        Engine.Dispose();
        _shellImageGate.Dispose();
    }

    /// <summary>A temporary build context with these files; deleted by the caller.</summary>
    public static string CreateContext(params (string Path, string Content)[] files)
    {
        var directory = Directory.CreateTempSubdirectory("pipeline-docker-test-").FullName;
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
        return directory;
    }
}

/// <summary>The facts sandbox/up.sh writes to sandbox.json.</summary>
public sealed record SandboxFacts(string Registry, string RegistryUser, string RegistryPasswordFile,
    IReadOnlyDictionary<string, string> Images)
{
    public static string FilePath => Path.Combine(
        Environment.GetEnvironmentVariable("PIPELINE_SANDBOX_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pipeline-sandbox"),
        "sandbox.json");

    public RegistryCredentials Credentials =>
        new(Registry, RegistryUser, new Secret(File.ReadAllText(RegistryPasswordFile).Trim()));

    public static SandboxFacts? Read()
    {
        if (!File.Exists(FilePath)) return null;
        using var json = JsonDocument.Parse(File.ReadAllText(FilePath));
        var root = json.RootElement;
        var images = new Dictionary<string, string>();
        if (root.TryGetProperty("images", out var list))
        {
            foreach (var image in list.EnumerateObject()) images[image.Name] = image.Value.GetString() ?? "";
        }
        return new SandboxFacts(root.GetProperty("registry").GetString()!, root.GetProperty("registryUser").GetString()!,
            root.GetProperty("registryPasswordFile").GetString()!, images);
    }
}

[CollectionDefinition(Name)]
public sealed class DockerEngineCollection : ICollectionFixture<DockerEngineFixture>
{
    public const string Name = "docker-engine";
}
