using Pipeline.Config;

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
        return new PublishSettings(tag, isMain, values.Flag(PipelineParameters.ForcePush));
    }
}
