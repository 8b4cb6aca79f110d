namespace Pipeline.Docker;

/// <summary>The engine's image store: look up, pull, tag, push, remove.</summary>
public interface IImageOperations
{
    /// <summary>The image's details, or null when the engine has no image by that name or ID.</summary>
    Task<ImageDetails?> InspectAsync(string name, CancellationToken cancellation);

    /// <summary>Pulls name (tag "latest" when none is given), logging per-layer progress.</summary>
    Task PullAsync(string name, RegistryCredentials? credentials, CancellationToken cancellation);

    /// <summary>Gives an existing image a further name.</summary>
    Task TagAsync(string source, string repository, string tag, CancellationToken cancellation);

    /// <summary>Removes one name (or the image, when given an ID); false when there was nothing to remove.</summary>
    Task<bool> RemoveAsync(string name, bool force, CancellationToken cancellation);

    /// <summary>Pushes repository:tag and returns the digest the registry stored it under.</summary>
    Task<string> PushAsync(string name, RegistryCredentials? credentials, CancellationToken cancellation);

    /// <summary>Images whose name matches a reference pattern such as "repo", "repo:tag" or "repo:*".</summary>
    Task<IReadOnlyList<ImageSummary>> ListAsync(string reference, CancellationToken cancellation);

    /// <summary>Writes these images (with their tags) as one docker-save tarball to the stream.</summary>
    Task SaveAsync(IReadOnlyList<string> names, Stream destination, CancellationToken cancellation);

    /// <summary>Loads a docker-save tarball; returns what the engine loaded (names, or IDs of untagged images).</summary>
    Task<IReadOnlyList<string>> LoadAsync(Stream source, CancellationToken cancellation);

    /// <summary>Images carrying a label ("key" or "key=value").</summary>
    Task<IReadOnlyList<ImageSummary>> ListByLabelAsync(string label, CancellationToken cancellation);
}
