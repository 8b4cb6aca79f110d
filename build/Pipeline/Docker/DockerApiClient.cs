using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Pipeline.Docker;

/// <summary>
/// HTTP to the engine: one HttpClient over the unix socket (or TCP), every call bounded by a timeout, and every
/// transport failure turned into a <see cref="PipelineException"/> that says how to get an engine.
/// </summary>
internal sealed class DockerApiClient : IDisposable
{
    private readonly HttpClient _http;

    public DockerApiClient(DockerEndpoint endpoint, DockerTimeouts? timeouts = null)
    {
        Endpoint = endpoint;
        Timeouts = timeouts ?? DockerTimeouts.Default;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = Timeouts.Connect,
            // The engine's connections are local and cheap; stale pooled ones after a dockerd restart are not.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        if (endpoint.Transport == DockerTransport.UnixSocket)
            handler.ConnectCallback = (_, cancellation) => ConnectUnixAsync(endpoint.Address, cancellation);
        // Each call has its own limit (short for metadata, idle-based for streams), so the client-wide one is off.
        _http = new HttpClient(handler) { BaseAddress = endpoint.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    public DockerEndpoint Endpoint { get; }

    public DockerTimeouts Timeouts { get; }

    /// <summary>A metadata call; returns the body, or null for 404 when <paramref name="nullOn404"/> is set.</summary>
    public async Task<string?> SendAsync(
        DockerRequest request, CancellationToken cancellation, bool nullOn404 = false, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeouts.Metadata;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(limit);
        try
        {
            using var message = CreateMessage(request, JsonContent(request));
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            if (nullOn404 && response.StatusCode == HttpStatusCode.NotFound) return null;
            // 304 is the engine's "already so" (start of a running container, stop of a stopped one).
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotModified)
                throw new DockerApiException(request, response.StatusCode, EngineMessage(body));
            return body;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new PipelineException(
                $"Docker engine at {Endpoint} did not answer {request} within {limit.TotalSeconds:0.#} s",
                "Check that dockerd is healthy (sandbox/up.sh restarts it), then retry.");
        }
        catch (HttpRequestException failure)
        {
            throw TransportFailure(failure);
        }
    }

    /// <summary>
    /// A call whose answer is a raw byte stream read to its end (logs, exec output), bounded by a total limit because
    /// a quiet command is not a stuck one.
    /// </summary>
    public async Task<T> ReadRawAsync<T>(
        DockerRequest request, TimeSpan limit, Func<Stream, CancellationToken, Task<T>> consume,
        CancellationToken cancellation)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(limit);
        try
        {
            using var message = CreateMessage(request, JsonContent(request));
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                var text = await response.Content.ReadAsStringAsync(deadline.Token);
                throw new DockerApiException(request, response.StatusCode, EngineMessage(text));
            }
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            return await consume(stream, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new PipelineException(
                $"Docker engine at {Endpoint} did not finish {request} within {limit.TotalSeconds:0.#} s",
                "The command or container may be stuck; its log (docker logs) says more.");
        }
        catch (HttpRequestException failure)
        {
            throw TransportFailure(failure);
        }
    }

    public async Task<T?> GetJsonAsync<T>(DockerRequest request, CancellationToken cancellation, bool nullOn404 = false)
        where T : class
    {
        var body = await SendAsync(request, cancellation, nullOn404);
        return body is null ? null : JsonSerializer.Deserialize<T>(body);
    }

    /// <summary>
    /// A streaming call (pull, push, build, load): yields each JSON line as it arrives. The call fails when no byte
    /// has moved, either way, for <see cref="DockerTimeouts.StreamIdle"/>, however long it runs in total.
    /// </summary>
    public async IAsyncEnumerable<JsonMessage> StreamMessagesAsync(
        DockerRequest request, Func<IdleWatchdog, HttpContent>? body,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        using var watchdog = new IdleWatchdog(Timeouts.StreamIdle, cancellation);
        using var response = await OpenStreamAsync(request, body, watchdog, cancellation);
        await using var stream = await response.Content.ReadAsStreamAsync(watchdog.Token);
        using var reader = new StreamReader(stream);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(watchdog.Token);
            }
            catch (Exception failure) when (failure is OperationCanceledException or IOException or HttpRequestException)
            {
                throw StreamFailure(request, failure, watchdog, cancellation);
            }
            if (line is null) yield break;
            watchdog.Touch();
            if (JsonMessage.Parse(line) is { } message) yield return message;
        }
    }

    /// <summary>A raw byte stream (image save); the caller copies it and must touch the watchdog as bytes arrive.</summary>
    internal async Task<HttpResponseMessage> OpenStreamAsync(
        DockerRequest request, Func<IdleWatchdog, HttpContent>? body, IdleWatchdog watchdog,
        CancellationToken cancellation)
    {
        try
        {
            using var message = CreateMessage(request, body?.Invoke(watchdog));
            var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, watchdog.Token);
            watchdog.Touch();
            if (response.IsSuccessStatusCode) return response;
            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(watchdog.Token);
                throw new DockerApiException(request, response.StatusCode, EngineMessage(text));
            }
        }
        catch (Exception failure) when (failure is OperationCanceledException or IOException or HttpRequestException)
        {
            throw StreamFailure(request, failure, watchdog, cancellation);
        }
    }

    private Exception StreamFailure(
        DockerRequest request, Exception failure, IdleWatchdog watchdog, CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested) return new OperationCanceledException(cancellation);
        if (watchdog.Token.IsCancellationRequested)
        {
            return new PipelineException(
                $"Docker engine sent nothing for {watchdog.Idle.TotalMinutes:0.#} min during {request}",
                "The engine or the registry behind it is stuck: check dockerd's log and the registry, then retry.");
        }
        // A failure while producing the request body (an unreadable context file) is the real story.
        for (var inner = failure.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is PipelineException reason) return reason;
        }
        if (failure is HttpRequestException http && FindSocketError(http) is not null) return TransportFailure(http);
        return new PipelineException(
            $"The connection to the Docker engine at {Endpoint} broke during {request}",
            "Check that dockerd is still running (its log says why it dropped the call), then retry.",
            failure.Message, failure);
    }

    private static HttpContent? JsonContent(DockerRequest request) => request.JsonBody is null
        ? null
        : new StringContent(JsonSerializer.Serialize(request.JsonBody, request.JsonBody.GetType(), WireJson),
            System.Text.Encoding.UTF8, "application/json");

    // The engine's JSON is PascalCase; null members are left out so the engine's defaults apply.
    private static readonly JsonSerializerOptions WireJson = new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static HttpRequestMessage CreateMessage(DockerRequest request, HttpContent? content)
    {
        var message = new HttpRequestMessage(request.Method, request.PathAndQuery) { Content = content };
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value.Reveal());
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return message;
    }

    private static async ValueTask<Stream> ConnectUnixAsync(string path, CancellationToken cancellation)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Engine errors are {"message": "..."}; anything else is passed on as text.</summary>
    internal static string EngineMessage(string body)
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

    internal PipelineException TransportFailure(HttpRequestException failure)
    {
        var socketError = FindSocketError(failure);
        var where = Endpoint.ToString();
        var startIt = Endpoint.Transport == DockerTransport.UnixSocket
            ? "Start the engine with sandbox/up.sh (or dockerd), or set DOCKER_HOST to a running engine."
            : "Start the engine or fix DOCKER_HOST (tcp://host:port, plain HTTP).";
        return socketError switch
        {
            SocketError.AccessDenied => new PipelineException(
                $"Permission denied on the Docker socket {Endpoint.Address}",
                "Run as root, or add your user to the docker group (then log in again).",
                failure.Message, failure),
            SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported when
                Endpoint.Transport == DockerTransport.UnixSocket && !File.Exists(Endpoint.Address) =>
                new PipelineException($"No Docker engine socket at {Endpoint.Address}", startIt, failure.Message, failure),
            SocketError.ConnectionRefused => new PipelineException(
                $"No Docker engine is listening at {where} (connection refused)", startIt, failure.Message, failure),
            SocketError.TimedOut => new PipelineException(
                $"Connecting to the Docker engine at {where} timed out", startIt, failure.Message, failure),
            _ when Endpoint.Transport == DockerTransport.UnixSocket && !File.Exists(Endpoint.Address) =>
                new PipelineException($"No Docker engine socket at {Endpoint.Address}", startIt, failure.Message, failure),
            _ => new PipelineException(
                $"Could not talk to the Docker engine at {where}", startIt, failure.Message, failure),
        };
    }

    private static SocketError? FindSocketError(Exception failure)
    {
        for (Exception? inner = failure; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket) return socket.SocketErrorCode;
            if (inner is TimeoutException) return SocketError.TimedOut;
        }
        return null;
    }

    public void Dispose() => _http.Dispose();
}
