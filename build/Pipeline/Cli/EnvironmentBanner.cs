using Pipeline.Config;

namespace Pipeline.Cli;

/// <summary>The first thing every run prints: where it will act. Nothing acts anywhere the banner did not name.</summary>
public static class EnvironmentBanner
{
    public static IEnumerable<string> Lines(PipelineSettings settings, string runId, bool dryRun, bool usesStaging)
    {
        yield return $"Pipeline run {runId}{(dryRun ? " (dry run: nothing will be changed)" : "")}";
        yield return $"  commit:    {settings.Revision.ShortSha} on {settings.Revision.Branch} (release flavour: {settings.ReleaseAppEnv})";
        yield return settings.IsSandbox
            ? $"  target:    the local sandbox (state in {settings.Sandbox.Directory})"
            : "  target:    the configured registry and hosts below";
        yield return $"  registry:  {settings.Images.RegistryRepository}";
        yield return $"  engine:    {settings.DockerHost}";
        yield return $"  staging:   {Staging.StagingBanner.Describe(settings, usesStaging)}";
    }
}
