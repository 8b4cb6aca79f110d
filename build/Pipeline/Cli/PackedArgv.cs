namespace Pipeline.Cli;

/// <summary>
/// The command line as build.sh and build.ps1 pass it: every argument followed by one separator character, all in
/// one environment variable, so Cake's own parser never sees them.
/// </summary>
public static class PackedArgv
{
    /// <summary>
    /// Every argument, empty ones included: `--before-host "" DeployStaging` is an empty hook and a target, and
    /// dropping the empty one made DeployStaging the hook. Only the separator after the last argument is not one.
    /// A value without a final separator (PIPELINE_ARGV=--help) is one argument as well.
    /// </summary>
    public static IReadOnlyList<string> Unpack(string? packed, char separator)
    {
        if (string.IsNullOrEmpty(packed)) return [];
        if (packed[^1] == separator) packed = packed[..^1];
        return packed.Split(separator);
    }
}
