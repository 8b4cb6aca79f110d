using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Docker;

/// <summary>
/// HTTP to the engine: one HttpClient over the unix socket (or TCP), every call bounded by a limit, and every
/// transport failure turned into a <see cref="PipelineException"/> that says how to get an engine.
/// </summary>
internal sealed class DockerApiClient : IDisposable
{
    // The engine's JSON is PascalCase; null members are left out so the engine's defaults apply.
    private static readonly JsonSerializerOptions WireJson = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;

    public DockerApiClient(DockerEndpoint endpoint, DockerTimeouts? timeouts = null)
    {
        Endpoint = endpoint;
        Timeouts = timeouts ?? DockerTimeouts.Default;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = Timeouts.Connect,
            // Connections to the engine are cheap; a pooled one that outlived a dockerd restart is not.
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
                throw new DockerApiException(request, response.StatusCode, EngineFailure.EngineMessage(body));
            return body;
        }
        catch (Exception failure) when (EngineFailure.IsTransport(failure) && !cancellation.IsCancellationRequested)
        {
            throw EngineFailure.For(Endpoint, request, failure,
                deadline.IsCancellationRequested ? $"did not answer {request} within {Seconds(limit)}" : null);
        }
    }

    public async Task<T?> GetJsonAsync<T>(DockerRequest request, CancellationToken cancellation, bool nullOn404 = false)
        where T : class
    {
        var body = await SendAsync(request, cancellation, nullOn404);
        return body is null ? null : JsonSerializer.Deserialize<T>(body);
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
                throw new DockerApiException(request, response.StatusCode, EngineFailure.EngineMessage(text));
            }
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            return await consume(stream, deadline.Token);
        }
        catch (Exception failure) when (EngineFailure.IsTransport(failure) && !cancellation.IsCancellationRequested)
        {
            throw EngineFailure.For(Endpoint, request, failure,
                deadline.IsCancellationRequested ? $"did not finish {request} within {Seconds(limit)}" : null);
        }
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
            catch (Exception failure) when (EngineFailure.IsTransport(failure) && !cancellation.IsCancellationRequested)
            {
                throw StreamFailure(request, failure, watchdog);
            }
            if (line is null) yield break;
            watchdog.Touch();
            if (JsonMessage.Parse(line) is { } message) yield return message;
        }
    }

    /// <summary>Sends a streaming call and returns once the headers are in; the caller reads the body.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(
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
                throw new DockerApiException(request, response.StatusCode, EngineFailure.EngineMessage(text));
            }
        }
        catch (Exception failure) when (EngineFailure.IsTransport(failure) && !cancellation.IsCancellationRequested)
        {
            throw StreamFailure(request, failure, watchdog);
        }
    }

    private PipelineException StreamFailure(DockerRequest request, Exception failure, IdleWatchdog watchdog) =>
        EngineFailure.For(Endpoint, request, failure, watchdog.Token.IsCancellationRequested
            ? $"sent nothing for {watchdog.Idle.TotalMinutes:0.##} min during {request}"
            : null);

    private static string Seconds(TimeSpan limit) => $"{limit.TotalSeconds:0.#} s";

    private static HttpContent? JsonContent(DockerRequest request) => request.JsonBody is null
        ? null
        : new StringContent(JsonSerializer.Serialize(request.JsonBody, request.JsonBody.GetType(), WireJson),
            System.Text.Encoding.UTF8, "application/json");

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

    public void Dispose() => _http.Dispose();
}
