using Pipeline.Config;

namespace Pipeline.Cli;

/// <summary>The declared targets, their edges and the default one.</summary>
public sealed class TargetGraph
{
    private readonly Dictionary<string, TargetInfo> _byName;

    public TargetGraph(IEnumerable<TargetInfo> targets, string defaultTarget)
    {
        Targets = targets.ToList();
        _byName = Targets.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        if (!_byName.ContainsKey(defaultTarget))
            throw new ArgumentException($"Default target {defaultTarget} is not declared.", nameof(defaultTarget));
        Default = _byName[defaultTarget].Name;
    }

    public IReadOnlyList<TargetInfo> Targets { get; }

    public string Default { get; }

    /// <summary>The declared spelling of a target name given in any case, or an error naming the closest targets.</summary>
    public string Canonical(string name)
    {
        if (_byName.TryGetValue(name, out var target)) return target.Name;
        var closest = NameSuggestions.Closest(name, Targets.Select(t => t.Name));
        throw new PipelineException(
            $"Unknown target '{name}'",
            (closest is null ? "" : $"Did you mean '{closest}'? ") + $"Targets: {string.Join(", ", Targets.Select(t => t.Name))}.");
    }

    /// <summary>
    /// Dependencies first, each target once, in declaration order of the dependencies: the order Cake runs them in.
    /// </summary>
    public IReadOnlyList<string> ExecutionOrder(IEnumerable<string> requested)
    {
        var order = new List<string>();
        var visiting = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in requested) Visit(Canonical(name), order, visiting);
        return order;
    }

    private void Visit(string name, List<string> order, HashSet<string> visiting)
    {
        if (order.Contains(name, StringComparer.OrdinalIgnoreCase)) return;
        if (!visiting.Add(name)) throw new InvalidOperationException($"Target {name} depends on itself.");
        foreach (var dependency in _byName[name].Dependencies) Visit(Canonical(dependency), order, visiting);
        order.Add(name);
    }
}
