using System.Collections.Concurrent;

namespace Pipeline.Cli;

/// <summary>Results the stages report (images built, pushed, deployed), printed once at the end of the run.</summary>
public static class RunSummary
{
    private static readonly ConcurrentQueue<string> Entries = new();

    public static IEnumerable<string> Lines => Entries;

    public static void Add(string line) => Entries.Enqueue(line);
}
