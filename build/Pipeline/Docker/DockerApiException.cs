using System.Net;

namespace Pipeline.Docker;

/// <summary>The engine answered a call with an error status; <see cref="EngineMessage"/> is its own words.</summary>
public sealed class DockerApiException : PipelineException
{
    public DockerApiException(DockerRequest request, HttpStatusCode status, string engineMessage)
        : base(
            $"Docker engine refused {request.Method.Method} {request.Path}: {engineMessage}",
            "Check the message above; the engine log (dockerd) has more.",
            $"HTTP {(int)status} from {request}")
    {
        StatusCode = status;
        EngineMessage = engineMessage;
    }

    public HttpStatusCode StatusCode { get; }

    public string EngineMessage { get; }
}
