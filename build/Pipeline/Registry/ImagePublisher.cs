using Pipeline.Aws;
using Pipeline.Aws.Ecr;
using Pipeline.Build;
using Pipeline.Cli;

namespace Pipeline.Registry;

/// <summary>
/// Pushes a locally built image to the app's repository under a tag. Used by Push, and by the production deploy
/// to move `latest`. A tag that already holds this very image is not pushed again; one that holds another image
/// is refused unless the caller allows the tag to move.
/// </summary>
public sealed class ImagePublisher(StageContext context)
{
    public IEnumerable<string> Describe(string localImage, string tag)
    {
        var settings = context.Settings;
        var login = RegistryLogin.Mode(settings);
        if (login == "ecr") yield return $"log in to {settings.Registry} with an ECR token (ECR GetAuthorizationToken)";
        if (login == "basic") yield return $"log in to {settings.Registry} as the configured registry user";
        if (login == "ecr")
            yield return "look up what the tag holds now: " +
                         AwsJsonClient.Describe(context.Aws.Ecr.Endpoint, "BatchGetImage", new BatchGetImageRequest(settings.Images.Repository, [new ImageIdentifier(ImageTag: tag)]));
        yield return $"tag {localImage} as {settings.Images.RegistryRepository}:{tag}";
        yield return $"push {settings.Images.RegistryRepository}:{tag} (skipped if the tag already holds this image)";
    }

    public async Task<PublishResult> PublishAsync(string localImage, string tag, bool tagMayMove, CancellationToken cancellation)
    {
        var settings = context.Settings;
        var docker = context.Docker;
        var target = $"{settings.Images.RegistryRepository}:{tag}";
        var image = await docker.Images.InspectAsync(localImage, cancellation)
            ?? throw new PipelineException($"Image {localImage} is not in the engine", "Build it first: ./build.sh DockerBuild.");
        if (tag.EndsWith("-testing", StringComparison.Ordinal) || image.Labels.GetValueOrDefault(ImageBuildPlan.AppEnvLabel) == "testing")
            throw new PipelineException(
                $"Refusing to push {localImage} as {target}: it is a testing image, with dev dependencies",
                "Push the release image; testing images stay on the machine that ran the tests.");

        var login = await context.RegistryLoginAsync(cancellation);
        if (RegistryLogin.Mode(settings) == "ecr" && await FindRemoteAsync(tag, cancellation) is { } remote)
        {
            if (remote.ConfigDigest == image.Id)
            {
                Log.Note($"{target} already holds this image ({remote.ManifestDigest}): not pushing it again");
                return new PublishResult(target, remote.ManifestDigest, Pushed: false);
            }
            if (!tagMayMove && !PublishSettings.From(settings).Force)
                throw new PipelineException(
                    $"{target} already holds a different image ({remote.ManifestDigest})",
                    "A pushed tag names one build. Rebuild from the same commit, or pass --force-push to replace it.");
            Log.Note($"{target} holds {remote.ManifestDigest}; replacing it");
        }

        await docker.Images.TagAsync(image.Id, settings.Images.RegistryRepository, tag, cancellation);
        var digest = await docker.Images.PushAsync(target, login, cancellation);
        return new PublishResult(target, digest, Pushed: true);
    }

    private async Task<RemoteImage?> FindRemoteAsync(string tag, CancellationToken cancellation)
    {
        var settings = context.Settings;
        try
        {
            return await context.Aws.Ecr.FindTagAsync(settings.Images.Repository, tag, cancellation);
        }
        catch (AwsServiceException e) when (e.Code == "RepositoryNotFoundException")
        {
            // A plain registry (the sandbox) creates a repository on first push; ECR needs it made beforehand.
            if (settings.IsSandbox) return null;
            throw new PipelineException(
                $"ECR repository {settings.Images.Repository} does not exist in {settings.Registry}",
                $"Create it once: aws ecr create-repository --repository-name {settings.Images.Repository}", e.Detail);
        }
    }
}

/// <summary>Where an image was published, its manifest digest, and whether this run pushed it.</summary>
public sealed record PublishResult(string Reference, string Digest, bool Pushed);
