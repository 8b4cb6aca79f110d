namespace Pipeline.Docker;

/// <summary>
/// A context's .dockerignore: the last matching line wins, so a later "!x" re-includes what an earlier line excluded.
/// </summary>
public sealed class DockerIgnore
{
    public const string FileName = ".dockerignore";

    public DockerIgnore(IEnumerable<DockerIgnorePattern> patterns) => Patterns = patterns.ToList();

    public IReadOnlyList<DockerIgnorePattern> Patterns { get; }

    public static DockerIgnore Empty { get; } = new([]);

    public static DockerIgnore Parse(string text)
    {
        // The engine strips a UTF-8 byte order mark from the first line.
        text = text.TrimStart('\uFEFF');
        return new DockerIgnore(text.Split('\n').Select(line => DockerIgnorePattern.Parse(line.TrimEnd('\r')))
            .OfType<DockerIgnorePattern>());
    }

    public static async Task<DockerIgnore> LoadAsync(string contextDirectory, CancellationToken cancellation)
    {
        var path = Path.Combine(contextDirectory, FileName);
        return File.Exists(path) ? Parse(await File.ReadAllTextAsync(path, cancellation)) : Empty;
    }

    /// <summary>
    /// The docker CLI always sends the Dockerfile and .dockerignore, whatever the patterns say, by adding exceptions
    /// for them at the end.
    /// </summary>
    public DockerIgnore KeepingBuildFiles(string dockerfile)
    {
        var patterns = Patterns.ToList();
        foreach (var path in new[] { FileName, dockerfile })
        {
            if (IsExcluded(path)) patterns.Add(DockerIgnorePattern.Parse("!" + path)!);
        }
        return new DockerIgnore(patterns);
    }

    /// <summary>Whether a slash-separated path relative to the context is left out of the context.</summary>
    public bool IsExcluded(string path)
    {
        var excluded = false;
        foreach (var pattern in Patterns)
        {
            // Only a line that could flip the verdict needs to be evaluated.
            if (pattern.IsException != excluded) continue;
            if (pattern.MatchesOrParent(path)) excluded = !pattern.IsException;
        }
        return excluded;
    }

    /// <summary>
    /// Whether an excluded directory must still be walked because an exception names something inside it. Like the
    /// engine, this compares the exception's literal text, so a wildcard exception does not reopen a directory.
    /// </summary>
    public bool MayIncludeBelow(string directory)
    {
        var prefix = directory + "/";
        return Patterns.Any(pattern => pattern.IsException &&
                                       (pattern.Pattern + "/").StartsWith(prefix, StringComparison.Ordinal));
    }
}
