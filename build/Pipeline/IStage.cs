namespace Pipeline;

/// <summary>The work behind one target. Describe() prints what RunAsync would do, for --dryrun.</summary>
public interface IStage
{
    IEnumerable<string> Describe();

    Task RunAsync(CancellationToken cancellation);
}
