namespace Pipeline.Docker;

/// <summary>User-defined bridge networks, where containers find each other by alias.</summary>
public interface INetworkOperations
{
    /// <summary>Creates a bridge network with these labels and returns its ID.</summary>
    Task<string> CreateAsync(string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellation);

    /// <summary>Attaches a container, reachable from the others under its aliases.</summary>
    Task ConnectAsync(string network, string container, IReadOnlyList<string> aliases, CancellationToken cancellation);

    /// <summary>The network, or null when there is none by that name or ID.</summary>
    Task<NetworkSummary?> InspectAsync(string name, CancellationToken cancellation);

    /// <summary>Removes it; false when there was nothing to remove. It must have no containers left.</summary>
    Task<bool> RemoveAsync(string name, CancellationToken cancellation);

    /// <summary>Networks carrying a label ("key" or "key=value").</summary>
    Task<IReadOnlyList<NetworkSummary>> ListByLabelAsync(string label, CancellationToken cancellation);
}

/// <summary>A network: its ID, name, driver, labels and the IDs of the containers attached to it.</summary>
public sealed record NetworkSummary(
    string Id, string Name, string Driver, IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Containers);
