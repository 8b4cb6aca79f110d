namespace Pipeline.Staging;

/// <summary>One of the app's containers on a host.</summary>
public sealed record AppContainer(string Name, string State, string Version)
{
    public bool IsRunning => State == "running";
}

/// <summary>
/// What a host runs before a deploy: the app's containers (newest first, as docker ps lists them), the proxy's
/// state, and the container the proxy sends traffic to.
/// </summary>
public sealed record HostState(IReadOnlyList<AppContainer> Containers, string ProxyState, string? ActiveName)
{
    public AppContainer? Active => Containers.FirstOrDefault(c => c.Name == ActiveName);

    /// <summary>The version to roll back to: the newest stopped container that is not the active one.</summary>
    public AppContainer? Previous => Containers.FirstOrDefault(c => c.Name != ActiveName && !c.IsRunning);

    public bool ProxyRunning => ProxyState == "running";

    public bool ProxyExists => ProxyState != "missing";

    /// <summary>Parses the output of <see cref="AppCommands.State"/>.</summary>
    public static HostState Parse(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var marker = Array.IndexOf(lines, "--proxy");
        if (marker < 0) throw new FormatException("no proxy section in the host's answer: " + output);
        var containers = lines[..marker]
            .Select(l => l.Split('|'))
            .Where(p => p.Length >= 3)
            .Select(p => new AppContainer(p[0], p[1], p[2]))
            .ToList();
        var proxyState = marker + 1 < lines.Length ? lines[marker + 1] : "missing";
        var active = marker + 2 < lines.Length ? lines[marker + 2] : null;
        // The proxy names the truth; a name it holds that no longer exists means nothing is active.
        if (active is not null && containers.All(c => c.Name != active)) active = null;
        return new HostState(containers, proxyState, active);
    }
}
