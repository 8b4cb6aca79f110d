using System.Net;

namespace Pipeline.Docker;

/// <summary>
/// The engine answered a call with an error status; <see cref="EngineMessage"/> is its own words. The client
/// library's exception of the same name is turned into this one, so a stage never sees the library.
/// </summary>
public sealed class DockerApiException : PipelineException
{
    public DockerApiException(string call, HttpStatusCode status, string engineMessage, Exception? inner = null)
        : base(
            $"Docker engine refused {call}: {engineMessage}",
            "Check the message above; the engine log (dockerd) has more.",
            $"HTTP {(int)status} from {call}",
            inner)
    {
        StatusCode = status;
        EngineMessage = engineMessage;
    }

    public HttpStatusCode StatusCode { get; }

    public string EngineMessage { get; }
}
