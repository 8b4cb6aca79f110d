using Pipeline.Config;

namespace Pipeline.Staging;

/// <summary>The banner's staging line: the hosts a deploy would act on, by name, SSH address and app port.</summary>
public static class StagingBanner
{
    public static string Describe(PipelineSettings settings)
    {
        var staging = StagingSettings.From(settings);
        if (staging.Hosts.Count == 0)
            return settings.IsSandbox ? "the sandbox's staging hosts (once sandbox/up.sh has made them)" : "no hosts (set STAGING_HOSTS)";
        return string.Join(", ", staging.Hosts.Select(h => h.ToString()));
    }
}
