using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Registry;

/// <summary>What Push needs beyond the shared settings: the tag, and whether a moved tag may be overwritten.</summary>
public sealed record PublishSettings(string Tag, bool IsMainBranch, bool Force)
{
    public static PublishSettings From(PipelineSettings settings)
    {
        var values = settings.Values;
        var isMain = values.List(PipelineParameters.MainBranches).Contains(settings.Revision.Branch);
        var tag = TagPolicy.For(
            settings.Revision, isMain,
            values.Get(PipelineParameters.ProductionTagPrefix)!, values.Get(PipelineParameters.StagingTagPrefix)!,
            values.Get(PipelineParameters.Tag));
        // Each part passed its own kind; together they may still be too long for the engine.
        if (settings.Registry is not null && ImageReference.Problem($"{settings.Images.RegistryRepository}:{tag}") is { } problem)
            throw new PipelineException(
                $"The image name made of AWS_ECR_URL, AWS_ECR_REPO and the tag is not a valid image reference: {problem}", ImageReference.Fix);
        return new PublishSettings(tag, isMain, values.Flag(PipelineParameters.ForcePush));
    }
}
