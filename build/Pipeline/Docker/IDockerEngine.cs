namespace Pipeline.Docker;

/// <summary>The Docker engine as the stages see it: one object per area, all over one connection.</summary>
public interface IDockerEngine : IDisposable
{
    DockerEndpoint Endpoint { get; }

    IImageOperations Images { get; }

    IImageBuilds Builds { get; }

    IContainerOperations Containers { get; }

    INetworkOperations Networks { get; }

    /// <summary>Checks the engine answers (within the short ping limit) and returns its API version.</summary>
    Task<string> PingAsync(CancellationToken cancellation);
}
