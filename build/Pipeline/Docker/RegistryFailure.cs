namespace Pipeline.Docker;

/// <summary>
/// Reads the engine's words for a failed pull or push and says which of the three usual causes it is. The engine
/// only passes on the registry's text, so matching it is the one way to tell "no such image" from "bad login".
/// </summary>
internal static class RegistryFailure
{
    private static readonly string[] NotFound =
        ["not found", "manifest unknown", "name unknown", "repository does not exist", "no such image",
         "does not exist locally"];

    private static readonly string[] Unauthorized =
        ["unauthorized", "authentication required", "no basic auth credentials", "access to the resource is denied",
         "incorrect username or password"];

    private static readonly string[] Unreachable =
        ["connection refused", "no such host", "i/o timeout", "dial tcp", "network is unreachable",
         "tls handshake timeout", "context deadline exceeded", "server gave http response to https client",
         "connection reset"];

    public static PipelineException ForPull(ImageReference image, string message, bool anonymous) =>
        Classify(message) switch
        {
            Cause.Unauthorized when anonymous => NeedsLogin(image, "pulling", message),
            Cause.Unreachable => new PipelineException(
                $"Registry {image.Registry} is unreachable while pulling {image}",
                "Start the registry (sandbox/up.sh for the local one) or check the registry address, then retry.",
                message),
            Cause.Unauthorized => new PipelineException(
                $"Registry {image.Registry} refused the login while pulling {image} (authentication failed)",
                "Check the registry username and password (or log in again), then retry.",
                message),
            // Its own type, so a stage for which the image is optional (the layer-cache seed) can catch just this.
            Cause.NotFound => new ImageNotFoundException(
                $"Image {image} not found in registry {image.Registry}",
                "Check the image name and tag, or push the image first.",
                message),
            _ => new PipelineException($"Pulling {image} from {image.Registry} failed: {message}",
                "Check the message above and the registry, then retry.", message),
        };

    public static PipelineException ForPush(ImageReference image, string message, bool anonymous) =>
        Classify(message) switch
        {
            Cause.Unauthorized when anonymous => NeedsLogin(image, "pushing", message),
            Cause.Unreachable => new PipelineException(
                $"Registry {image.Registry} is unreachable while pushing {image}",
                "Start the registry (sandbox/up.sh for the local one) or check the registry address, then retry.",
                message),
            Cause.Unauthorized => new PipelineException(
                $"Registry {image.Registry} refused the login while pushing {image} (authentication failed)",
                "Check the registry username and password, and that the user may push to this repository.",
                message),
            Cause.NotFound => new PipelineException(
                $"Image {image} is not in the local engine, so it cannot be pushed",
                "Build or tag the image first.", message),
            _ => new PipelineException($"Pushing {image} to {image.Registry} failed: {message}",
                "Check the message above and the registry, then retry.", message),
        };

    private static PipelineException NeedsLogin(ImageReference image, string doing, string message) => new(
        $"Registry {image.Registry} needs a login for {doing} {image}, and none was given (authentication failed)",
        "Set the registry username and password (see ./build.sh --help), then retry.", message);

    internal enum Cause
    {
        Other,
        NotFound,
        Unauthorized,
        Unreachable,
    }

    // Order matters: an unreachable registry's text can mention the image, and Docker Hub's "pull access denied"
    // says "repository does not exist", which is the more useful reading.
    internal static Cause Classify(string message)
    {
        var text = message.ToLowerInvariant();
        if (Unreachable.Any(text.Contains)) return Cause.Unreachable;
        if (NotFound.Any(text.Contains)) return Cause.NotFound;
        if (Unauthorized.Any(text.Contains)) return Cause.Unauthorized;
        return Cause.Other;
    }
}
