using System.Text.RegularExpressions;
using Pipeline.Config;

namespace Pipeline.Docker;

/// <summary>
/// An image name split the way the engine splits it: [registry/]repository[:tag][@digest]. The registry is the first
/// path part only when it looks like a host (has '.' or ':', or is localhost); otherwise it is Docker Hub.
/// Only names in Docker's reference grammar (distribution/reference) are accepted: a name reaches Engine API paths,
/// where System.Uri collapses "..", and `docker pull` on the hosts, where a leading '-' is an option.
/// </summary>
public sealed partial record ImageReference(string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

    public const string Fix =
        "Write it as [registry/]repository[:tag][@digest], e.g. mysql:8.0.40 or 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1 (a lowercase repository).";

    // The grammar of distribution/reference, in ASCII only (.NET's \w and \d would also take other scripts).
    private const string DomainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private const string Domain = @"(?:" + DomainComponent + @"(?:\." + DomainComponent + @")*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?";
    private const string PathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private const string Path = PathComponent + "(?:/" + PathComponent + ")*";
    private const string TagPattern = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    private const string DigestPattern = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

    // Docker refuses a name (registry and repository) longer than this.
    private const int MaxNameLength = 255;

    public static ImageReference Parse(string name) =>
        Problem(name) is { } problem
            ? throw new PipelineException($"'{ValueText.Escape(name)}' is not a valid image reference: {problem}", Fix)
            : Split(name);

    /// <summary>What is wrong with the reference, in words that do not repeat it; null when it is in the grammar.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0) return "it is empty";
        var match = Reference().Match(name);
        if (!match.Success)
            return SettingKind.FirstOutside(name, c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or ':' or '@' or '[' or ']' or '+')
                   ?? (name[0] is '-' or '.' or '/' ? $"it starts with {ValueText.Describe(name[0])}" : null)
                   ?? (name.Contains("..") ? "it holds '..'" : null)
                   ?? "it is not [registry/]repository[:tag][@digest] with a lowercase repository, parts joined by '/'";
        var image = Split(name);
        // "Team/app" matches the grammar with "Team" as a registry, but the engine reads it as a Docker Hub path.
        if (image.Registry == DockerHub && !RepositoryPath().IsMatch(image.Repository))
            return "its repository is not lowercase letters, digits and separators";
        return image.Repository.Length > MaxNameLength ? $"its name is {image.Repository.Length} characters long (at most {MaxNameLength})" : null;
    }

    private static ImageReference Split(string name)
    {
        string? digest = null;
        var at = name.IndexOf('@');
        if (at >= 0)
        {
            digest = name[(at + 1)..];
            name = name[..at];
        }
        string? tag = null;
        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
        }
        return new ImageReference(name, tag, digest);
    }

    public string Registry
    {
        get
        {
            var slash = Repository.IndexOf('/');
            if (slash < 0) return DockerHub;
            var first = Repository[..slash];
            return first.Contains('.') || first.Contains(':') || first == "localhost" ? first : DockerHub;
        }
    }

    /// <summary>The tag to pull when none is named; a digest wins over both.</summary>
    public string TagOrLatest => Tag ?? "latest";

    public override string ToString() =>
        Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>What is wrong with a registry setting (host[:port], optionally with a path), or null.</summary>
    public static string? RegistryProblem(string registry) =>
        RegistryPattern().IsMatch(registry) ? null
            : registry.Contains("://", StringComparison.Ordinal) ? "it has a scheme (such as https://); give the host only"
            : SettingKind.FirstOutside(registry, c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or ':' or '[' or ']')
              ?? (registry[0] is '-' or '.' or '/' ? $"it starts with {ValueText.Describe(registry[0])}" : null)
              ?? (registry.Contains("..") ? "it holds '..'" : null)
              ?? "it is not host[:port], optionally followed by /path, with host parts of letters, digits and inner dashes";

    [GeneratedRegex("^(?:" + Domain + "/)?" + Path + "(?::" + TagPattern + ")?(?:@" + DigestPattern + @")?\z")]
    private static partial Regex Reference();

    [GeneratedRegex("^" + Path + @"\z")]
    private static partial Regex RepositoryPath();

    [GeneratedRegex("^" + Domain + "(?:/" + Path + @")?\z")]
    private static partial Regex RegistryPattern();
}
