namespace Pipeline.Cli;

/// <summary>A target as build.cake declares it. The script maps Cake's task list to these, so the library needs no Cake reference.</summary>
public sealed record TargetInfo(string Name, string Description, IReadOnlyList<string> Dependencies);
