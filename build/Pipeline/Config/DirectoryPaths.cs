namespace Pipeline.Config;

/// <summary>Comparisons of local directories as the file system sees them (after expansion to full paths).</summary>
public static class DirectoryPaths
{
    // Linux compares names byte for byte; the default file systems of Windows and macOS ignore case.
    private static readonly StringComparison NameComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>True when the two are the same directory or one lies inside the other.</summary>
    public static bool Overlap(string a, string b)
    {
        a = Normal(a);
        b = Normal(b);
        return string.Equals(a, b, NameComparison) || Inside(a, b) || Inside(b, a);
    }

    private static bool Inside(string inner, string outer) =>
        inner.StartsWith(outer.EndsWith(Path.DirectorySeparatorChar) ? outer : outer + Path.DirectorySeparatorChar, NameComparison);

    private static string Normal(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}
