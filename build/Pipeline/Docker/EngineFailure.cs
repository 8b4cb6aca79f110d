using System.Net.Sockets;
using System.Text.Json;

namespace Pipeline.Docker;

/// <summary>
/// Turns what HttpClient throws into a <see cref="PipelineException"/> that says how to get a working engine: the
/// socket is missing, not ours to open, refused, too slow, or the call went quiet.
/// </summary>
internal static class EngineFailure
{
    /// <summary>Exceptions that mean the call failed on the way, not in the engine.</summary>
    public static bool IsTransport(Exception failure) =>
        failure is OperationCanceledException or HttpRequestException or IOException;

    /// <param name="stalled">Set when our own limit fired: what the engine failed to do in time.</param>
    public static PipelineException For(
        DockerEndpoint endpoint, DockerRequest request, Exception failure, string? stalled)
    {
        // A failure while producing the request body (an unreadable context file) is the real story.
        for (var inner = failure.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is PipelineException reason) return reason;
        }
        if (stalled is not null)
        {
            return new PipelineException($"Docker engine at {endpoint} {stalled}",
                "Check that dockerd (and the registry behind it) is healthy: its log says what it is waiting for.",
                $"{request}", failure);
        }

        var startIt = endpoint.Transport == DockerTransport.UnixSocket
            ? "Start the engine with sandbox/up.sh (or dockerd), or set DOCKER_HOST to a running engine."
            : "Start the engine, or fix DOCKER_HOST (tcp://host:port, plain HTTP).";
        var socketMissing = endpoint.Transport == DockerTransport.UnixSocket && !File.Exists(endpoint.Address);
        return SocketError(failure) switch
        {
            _ when socketMissing => new PipelineException(
                $"No Docker engine socket at {endpoint.Address}", startIt, failure.Message, failure),
            System.Net.Sockets.SocketError.AccessDenied => new PipelineException(
                $"Permission denied on the Docker socket {endpoint.Address}",
                "Run as root, or add your user to the docker group (then log in again).", failure.Message, failure),
            System.Net.Sockets.SocketError.ConnectionRefused => new PipelineException(
                $"No Docker engine is listening at {endpoint} (connection refused)", startIt, failure.Message, failure),
            // The handler's own connect limit surfaces as a cancellation that is neither ours nor the caller's.
            System.Net.Sockets.SocketError.TimedOut => new PipelineException(
                $"Connecting to the Docker engine at {endpoint} timed out", startIt, failure.Message, failure),
            null when failure is OperationCanceledException => new PipelineException(
                $"Connecting to the Docker engine at {endpoint} timed out", startIt, failure.Message, failure),
            not null => new PipelineException(
                $"Could not connect to the Docker engine at {endpoint}", startIt, failure.Message, failure),
            _ => new PipelineException(
                $"The connection to the Docker engine at {endpoint} broke during {request}",
                "Check that dockerd is still running (its log says why it dropped the call), then retry.",
                failure.Message, failure),
        };
    }

    /// <summary>Engine errors are {"message": "..."}; anything else is passed on as text.</summary>
    public static string EngineMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object &&
                json.RootElement.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
                return text.GetString() ?? "";
        }
        catch (JsonException)
        {
        }
        return body.Trim();
    }

    private static SocketError? SocketError(Exception failure)
    {
        for (Exception? inner = failure; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket) return socket.SocketErrorCode;
            if (inner is TimeoutException) return System.Net.Sockets.SocketError.TimedOut;
        }
        return null;
    }
}
