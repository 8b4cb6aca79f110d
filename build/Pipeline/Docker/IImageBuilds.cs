namespace Pipeline.Docker;

/// <summary>Image builds with the engine's legacy builder.</summary>
public interface IImageBuilds
{
    /// <summary>Builds the image, printing its output, and returns the new image's ID (sha256:...).</summary>
    Task<string> BuildAsync(ImageBuildRequest request, CancellationToken cancellation);
}
