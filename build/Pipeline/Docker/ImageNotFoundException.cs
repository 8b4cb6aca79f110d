namespace Pipeline.Docker;

/// <summary>The registry answered, and has no such image or tag: for an optional pull (the cache seed), not an error.</summary>
public sealed class ImageNotFoundException(string what, string fix, string? detail)
    : PipelineException(what, fix, detail);
