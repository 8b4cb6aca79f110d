namespace Pipeline.Cache;

/// <summary>
/// What a tested-image archive records about the test run that put the image there: whether it ran on the
/// sandbox's stand-ins, and the exact images it tested against and built on. A deploy reads it to refuse an image
/// that was never tested on what production runs.
/// </summary>
public sealed record TestProvenance(bool Sandbox, string SandboxReason, string RunId, IReadOnlyList<TestedImage> Images)
{
    public string Describe() =>
        string.Join(", ", Images.Select(i => $"{i.Role} {i.Reference}{(i.ImageId is { Length: >= 19 } id ? $" ({id[..19]})" : "")}")) +
        (Sandbox ? " on the sandbox" : "");
}

/// <summary>One image a test run used: its role (mysql, redis, base), the reference it was named by, and its ID.</summary>
public sealed record TestedImage(string Role, string Reference, string? ImageId);
