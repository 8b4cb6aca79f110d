using Pipeline.Config;

namespace Pipeline.Staging;

/// <summary>The banner's staging line: the hosts a deploy would act on, by name, SSH address and app port.</summary>
public static class StagingBanner
{
    /// <param name="used">
    /// Whether a target of the run uses staging. If not, staging settings that do not resolve (a malformed key
    /// in the environment, say) are reported here and do not stop a run that never needs them.
    /// </param>
    public static string Describe(PipelineSettings settings, bool used)
    {
        // Staging deploys a pushed image; a run with no registry cannot use staging (RegistryRequirement says so).
        if (settings.Registry is null) return "not used by this run (no registry)";
        StagingSettings staging;
        try
        {
            staging = StagingSettings.From(settings);
        }
        catch (PipelineException e) when (!used)
        {
            return $"not used by this run (its settings are not valid: {e.Message})";
        }
        if (staging.Hosts.Count == 0)
            return settings.IsSandbox ? "the sandbox's staging hosts (once sandbox/up.sh has made them)" : "no hosts (set STAGING_HOSTS)";
        var where = string.Join(", ", staging.Hosts.Select(h => h.ToString())) + (staging.Jump is { } jump ? $", all through the jump host {jump}" : "");
        if (!settings.IsSandbox || settings.Values.IsOverridden(PipelineParameters.StagingHosts)) return where;
        return settings.Sandbox.ReadStaging(settings.AppName) is { Slot: { } slot } sandbox
            ? $"{where}; {settings.AppName} in sandbox slot {slot}, behind {sandbox.LoadBalancer}"
            : $"{where}; {settings.AppName} is not in the sandbox yet: sandbox/up.sh gives it " +
              (settings.Values.Get(PipelineParameters.SandboxSlot) is { } given ? $"slot {given}" : "a slot of its own (load balancer, app ports)");
    }
}
