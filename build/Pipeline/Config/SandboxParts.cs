namespace Pipeline.Config;

/// <summary>
/// Which optional parts each target uses: the staging hosts, the ECS service. A run checks only those parts of the
/// sandbox (sandbox/up.sh takes about a second to check everything, half of it staging and ECS), and staging
/// settings must resolve only for a run that uses staging. The engine, registry, AWS endpoint and fixture images
/// are always checked; a target not listed here needs nothing more.
/// </summary>
public static class SandboxParts
{
    public const string Staging = "staging";
    public const string Ecs = "ecs";

    public static readonly IReadOnlyList<string> Optional = [Staging, Ecs];

    private static readonly Dictionary<string, string[]> PartsOf = new(StringComparer.OrdinalIgnoreCase)
    {
        ["DeployStaging"] = [Staging],
        ["Rollback"] = [Staging],
        ["StagingUnlock"] = [Staging],
        ["DeployProduction"] = [Ecs],
        ["SandboxUp"] = [Staging, Ecs],
    };

    // Targets that only read or write the repository.
    private static readonly HashSet<string> Local = new(StringComparer.OrdinalIgnoreCase) { "GenerateCi" };

    /// <summary>Every target the tables name (a renamed target must be renamed here too).</summary>
    public static IEnumerable<string> TargetsNamed => PartsOf.Keys.Concat(Local);

    /// <summary>False when every target to run works without the sandbox.</summary>
    public static bool Needed(IEnumerable<string> targets) => targets.Any(t => !Local.Contains(t));

    /// <summary>Whether any of the targets uses the part (also outside the sandbox: staging settings matter only then).</summary>
    public static bool Uses(IEnumerable<string> targets, string part) => targets.Any(t => PartsOf.GetValueOrDefault(t, []).Contains(part));

    /// <summary>The optional parts none of the targets uses: what up.sh is told to leave out.</summary>
    public static IReadOnlyList<string> Unused(IEnumerable<string> targets)
    {
        var used = targets.SelectMany(t => PartsOf.GetValueOrDefault(t, [])).ToHashSet();
        return Optional.Where(part => !used.Contains(part)).ToList();
    }
}
