namespace Pipeline.Docker;

/// <summary>Containers: create, run, watch, clean up. Every name parameter also takes an ID.</summary>
public interface IContainerOperations
{
    /// <summary>Creates the container (not started) and returns its ID.</summary>
    Task<string> CreateAsync(ContainerCreateRequest request, CancellationToken cancellation);

    /// <summary>Starts it; a running container is left as it is.</summary>
    Task StartAsync(string name, CancellationToken cancellation);

    /// <summary>Waits until it is not running, at most <paramref name="limit"/>, and returns how it ended.</summary>
    Task<ContainerExit> WaitAsync(string name, TimeSpan limit, CancellationToken cancellation);

    /// <summary>Its log so far, stdout and stderr apart; <paramref name="tail"/> keeps only the last lines.</summary>
    Task<ContainerLogs> LogsAsync(string name, int? tail, CancellationToken cancellation);

    /// <summary>State, health, labels and published ports, or null when there is no such container.</summary>
    Task<ContainerDetails?> InspectAsync(string name, CancellationToken cancellation);

    /// <summary>Stops it: SIGTERM, then SIGKILL after <paramref name="grace"/>. A stopped container is fine.</summary>
    Task StopAsync(string name, TimeSpan grace, CancellationToken cancellation);

    /// <summary>Removes it (forced, with its anonymous volumes); false when there was nothing to remove.</summary>
    Task<bool> RemoveAsync(string name, CancellationToken cancellation);

    /// <summary>All containers, running or not, carrying a label ("key" or "key=value").</summary>
    Task<IReadOnlyList<ContainerSummary>> ListByLabelAsync(string label, CancellationToken cancellation);

    /// <summary>Runs a command in a running container and returns its exit code and output.</summary>
    Task<ExecResult> ExecAsync(string name, IReadOnlyList<string> command, TimeSpan limit, CancellationToken cancellation);

    /// <summary>Unpacks a tar archive into a directory of the container (PUT /containers/{id}/archive).</summary>
    Task CopyArchiveAsync(string name, string directory, byte[] tar, CancellationToken cancellation);

    /// <summary>The bytes of a file in a container (running or exited); null when the path does not exist.</summary>
    Task<byte[]?> ReadFileAsync(string name, string path, long maxBytes, CancellationToken cancellation);

    /// <summary>
    /// Follows its log from the first line until the container stops (or <paramref name="cancellation"/> fires),
    /// calling <paramref name="onLine"/> for each complete line as it arrives.
    /// </summary>
    Task FollowLogsAsync(string name, Action<LogLine> onLine, CancellationToken cancellation);

    /// <summary>
    /// Saves the container's filesystem as a new image repository:tag with these labels, pausing it meanwhile so
    /// the snapshot is taken at one instant; returns the image ID. Volumes are not part of it.
    /// </summary>
    Task<string> CommitAsync(
        string name, string repository, string tag, IReadOnlyDictionary<string, string> labels, CancellationToken cancellation);
}
