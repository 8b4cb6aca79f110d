namespace Pipeline.Cli;

/// <summary>What the user asked for: the targets and the parameter values given on the command line.</summary>
public sealed record Invocation(IReadOnlyList<string> Targets, IReadOnlyDictionary<string, string> Values);
