namespace Pipeline.Config;

/// <summary>
/// Which optional parts of the sandbox each target uses, so a run checks only those: sandbox/up.sh takes about a
/// second to check everything, half of it the staging hosts and the ECS service. The engine, registry, AWS
/// endpoint and fixture images are always checked; a target not listed here needs nothing more.
/// </summary>
public static class SandboxParts
{
    public const string Staging = "staging";
    public const string Ecs = "ecs";

    private static readonly string[] Optional = [Staging, Ecs];

    private static readonly Dictionary<string, string[]> Uses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["DeployStaging"] = [Staging],
        ["Rollback"] = [Staging],
        ["StagingUnlock"] = [Staging],
        ["DeployProduction"] = [Ecs],
    };

    // Targets that only read or write the repository.
    private static readonly HashSet<string> Local = new(StringComparer.OrdinalIgnoreCase) { "GenerateCi" };

    /// <summary>Every target the tables name (a renamed target must be renamed here too).</summary>
    public static IEnumerable<string> TargetsNamed => Uses.Keys.Concat(Local);

    /// <summary>False when every target to run works without the sandbox.</summary>
    public static bool Needed(IEnumerable<string> targets) => targets.Any(t => !Local.Contains(t));

    /// <summary>The optional parts none of the targets uses: what up.sh is told to leave out.</summary>
    public static IReadOnlyList<string> Unused(IEnumerable<string> targets)
    {
        var used = targets.SelectMany(t => Uses.GetValueOrDefault(t, [])).ToHashSet();
        return Optional.Where(part => !used.Contains(part)).ToList();
    }
}
