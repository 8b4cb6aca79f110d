using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;

namespace Pipeline.Docker;

/// <summary>
/// Turns what the client library and HttpClient throw on the way to the engine into a <see cref="PipelineException"/>
/// that says how to get a working engine: the socket is missing, not ours to open, refused, too slow, the TLS
/// handshake failed, or the call went quiet.
/// </summary>
internal static class EngineFailure
{
    /// <summary>Exceptions that mean the call failed on the way, not in the engine.</summary>
    public static bool IsTransport(Exception failure) =>
        failure is OperationCanceledException or HttpRequestException or IOException or SocketException
            or AuthenticationException
        // The library's TCP connect tries each address of the host and throws what they all threw.
        || failure is AggregateException { InnerExceptions.Count: > 0 } all && all.InnerExceptions.All(IsTransport);

    /// <param name="stalled">Set when our own limit fired: what the engine failed to do in time.</param>
    /// <param name="tls">The certificate check of a TLS endpoint, which knows why it refused an engine.</param>
    public static PipelineException For(
        DockerEndpoint endpoint, string call, Exception failure, string? stalled, EngineTls? tls = null)
    {
        // A failure while producing the request body (an unreadable context file) is the real story.
        if (Find<PipelineException>(failure) is { } reason) return reason;
        if (stalled is not null)
        {
            return new PipelineException($"Docker engine at {endpoint} {stalled}",
                "Check that dockerd (and the registry behind it) is healthy: its log says what it is waiting for.",
                call, failure);
        }
        if (Find<AuthenticationException>(failure) is { } handshake) return TlsFailure(endpoint, handshake, tls);

        var startIt = endpoint.Transport == DockerTransport.UnixSocket
            ? "Start the engine with sandbox/up.sh (or dockerd), or set DOCKER_HOST to a running engine."
            : "Start the engine, or fix DOCKER_HOST (tcp://host:port; DOCKER_TLS_VERIFY for a TLS engine).";
        var socketMissing = endpoint.Transport == DockerTransport.UnixSocket && !File.Exists(endpoint.Address);
        var detail = Innermost(failure).Message;
        return SocketError(failure) switch
        {
            _ when socketMissing => new PipelineException(
                $"No Docker engine socket at {endpoint.Address}", startIt, detail, failure),
            System.Net.Sockets.SocketError.AccessDenied => new PipelineException(
                $"Permission denied on the Docker socket {endpoint.Address}",
                "Run as root, or add your user to the docker group (then log in again).", detail, failure),
            System.Net.Sockets.SocketError.ConnectionRefused => new PipelineException(
                $"No Docker engine is listening at {endpoint} (connection refused)", startIt, detail, failure),
            System.Net.Sockets.SocketError.TimedOut => new PipelineException(
                $"Connecting to the Docker engine at {endpoint} timed out", startIt, detail, failure),
            not null => new PipelineException(
                $"Could not connect to the Docker engine at {endpoint}", startIt, detail, failure),
            _ => new PipelineException(
                $"The connection to the Docker engine at {endpoint} broke during {call}",
                "Check that dockerd is still running (its log says why it dropped the call), then retry.",
                detail, failure),
        };
    }

    /// <summary>A 200 stream whose lines are not the engine's JSON: something else answers at that address.</summary>
    public static PipelineException NotTheEngine(DockerEndpoint endpoint, string call, JsonException failure) => new(
        $"The answer to {call} from {endpoint} is not Docker Engine API JSON",
        "Check that DOCKER_HOST names a Docker engine, not a proxy or another service.", failure.Message, failure);

    /// <summary>Engine errors are {"message": "..."}; anything else is passed on as text.</summary>
    public static string EngineMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
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

    private static PipelineException TlsFailure(DockerEndpoint endpoint, AuthenticationException failure, EngineTls? tls)
    {
        if (tls?.Refusal is { } refusal)
        {
            return new PipelineException(
                $"The Docker engine at {endpoint} is not one DOCKER_CERT_PATH trusts: {refusal}",
                $"Check that DOCKER_HOST names the engine as its certificate does, and that {endpoint.TlsCertPath}/ca.pem " +
                "is the CA that signed that certificate.",
                failure.Message, failure);
        }
        return new PipelineException(
            $"The TLS handshake with the Docker engine at {endpoint} failed",
            endpoint.UsesTls
                ? $"Check that the engine serves TLS and accepts {endpoint.TlsCertPath}/cert.pem (signed by the CA it trusts)."
                : "The engine expects TLS: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to its certificates.",
            Innermost(failure).Message, failure);
    }

    private static T? Find<T>(Exception failure) where T : Exception
    {
        for (Exception? inner = failure; inner is not null; inner = inner.InnerException)
        {
            if (inner is T found) return found;
        }
        return null;
    }

    private static Exception Innermost(Exception failure)
    {
        while (failure.InnerException is { } inner) failure = inner;
        return failure;
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
