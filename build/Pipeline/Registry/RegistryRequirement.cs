using Pipeline.Config;

namespace Pipeline.Registry;

/// <summary>
/// The targets that cannot run without a registry. Off the sandbox a run may have none (a CI test job needs none),
/// so a run that would push or deploy without one stops before any target starts.
/// </summary>
public static class RegistryRequirement
{
    private static readonly HashSet<string> Targets = new(StringComparer.OrdinalIgnoreCase) { "Push", "DeployStaging", "DeployProduction" };

    public static void Check(PipelineSettings settings, IEnumerable<string> running)
    {
        if (settings.Registry is not null) return;
        var needing = running.Where(Targets.Contains).ToList();
        if (needing.Count == 0) return;
        var no = ImageNames.NoRegistry();
        throw new PipelineException(
            $"{string.Join(" and ", needing)} need{(needing.Count == 1 ? "s" : "")} a registry, and none is configured (no sandbox, because {settings.SandboxReason})",
            no.Fix);
    }
}
