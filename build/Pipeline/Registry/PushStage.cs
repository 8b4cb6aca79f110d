using Pipeline.Cli;

namespace Pipeline.Registry;

/// <summary>Push: the release image, under the tag policy's tag, to the app's repository.</summary>
public sealed class PushStage(StageContext context) : IStage
{
    public IEnumerable<string> Describe() =>
        new ImagePublisher(context).Describe(context.Settings.Images.Release, PublishSettings.From(context.Settings).Tag);

    public async Task RunAsync(CancellationToken cancellation)
    {
        var tag = PublishSettings.From(context.Settings).Tag;
        var result = await new ImagePublisher(context).PublishAsync(context.Settings.Images.Release, tag, tagMayMove: false, cancellation);
        var line = $"{result.Reference} @ {result.Digest}{(result.Pushed ? "" : " (already there, not pushed again)")}";
        Log.Note(line);
        RunSummary.Add("pushed " + line);
    }
}
