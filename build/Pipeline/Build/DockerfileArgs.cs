using System.Text.RegularExpressions;

namespace Pipeline.Build;

/// <summary>
/// The Dockerfile's global build args (the ARG lines before the first FROM) and their defaults. The base image a
/// run builds on when nobody passes one is the Dockerfile's own default: that is the image CI must cache and test on.
/// </summary>
public static partial class DockerfileArgs
{
    /// <summary>The default of a global ARG, or null when the Dockerfile declares none before its first FROM.</summary>
    public static string? GlobalDefault(string dockerfile, string name)
    {
        foreach (var raw in dockerfile.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("FROM", StringComparison.OrdinalIgnoreCase) && (line.Length == 4 || char.IsWhiteSpace(line[4]))) return null;
            var match = ArgLine().Match(line);
            if (match.Success && match.Groups["name"].Value == name)
                return match.Groups["value"].Success ? match.Groups["value"].Value.Trim('"', '\'') : null;
        }
        return null;
    }

    [GeneratedRegex(@"^ARG\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:=(?<value>\S+))?\s*\z", RegexOptions.IgnoreCase)]
    private static partial Regex ArgLine();
}
