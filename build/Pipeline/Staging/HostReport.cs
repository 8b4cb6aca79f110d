namespace Pipeline.Staging;

/// <summary>One line of the per-host report in the run summary.</summary>
public sealed record HostReport(string Host, string? From, string? To, TimeSpan? HealthWait, string Result)
{
    public override string ToString() =>
        $"{Host,-12} {From ?? "(none)"} -> {To ?? "(none)"}" +
        (HealthWait is { } wait ? $", healthy after {wait.TotalSeconds:0.0} s" : "") + $": {Result}";
}
