namespace Pipeline.Docker;

/// <summary>
/// An image name split the way the engine splits it: [registry/]repository[:tag][@digest]. The registry is the first
/// path part only when it looks like a host (has '.' or ':', or is localhost); otherwise it is Docker Hub.
/// </summary>
public sealed record ImageReference(string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

    public static ImageReference Parse(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("An image name is empty.", nameof(name));
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
}
