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
            ? $"  target:    the local sandbox (state in {settings.Sandbox.Directory}), because {settings.SandboxReason}"
            : $"  target:    no sandbox, because {settings.SandboxReason}";
        yield return $"  images:    {Images(settings)}";
        yield return settings.Registry is null
            ? "  registry:  none configured (Test needs none; Push and the deploys need AWS_ECR_URL)"
            : $"  registry:  {settings.Images.RegistryRepository}";
        yield return settings.DockerCertPath is null
            ? $"  engine:    {settings.DockerHost}"
            : $"  engine:    {settings.DockerHost} (TLS, certificates in {settings.DockerCertPath})";
        yield return $"  staging:   {Staging.StagingBanner.Describe(settings, usesStaging)}";
    }

    // The images the tests run against and the build starts from: the sandbox's stand-ins, or the pinned ones.
    private static string Images(PipelineSettings settings)
    {
        var baseImage = settings.EffectiveBaseImage is { } image
            ? image + (settings.BaseImage is null ? " (the Dockerfile's default)" : "")
            : "the Dockerfile's FROM";
        var services = settings.Dependencies.Count == 0 ? "no services" : string.Join(", ", settings.Dependencies.Select(d => $"{d.Name} {d.Image}"));
        var standIns = settings.Dependencies.Select(d => d.Image).Append(settings.EffectiveBaseImage ?? "")
            .Any(image => image.StartsWith(SandboxProfile.Registry + "/", StringComparison.Ordinal));
        return $"{services}, base {baseImage}" + (standIns ? " (the sandbox's stand-ins for the pinned images)" : "");
    }
}
