using System.Net;
using System.Text.Json;
using Docker.DotNet;
using LibraryApiException = Docker.DotNet.DockerApiException;

namespace Pipeline.Docker;

/// <summary>
/// Every call to the engine goes through here: each gets its limit (a total one for metadata, an idle one for
/// streams), and whatever the client library throws becomes a <see cref="PipelineException"/> that names the call
/// and says what to do. A call is named as the Engine API names it ("POST /containers/create").
/// </summary>
internal sealed class EngineCalls(IDockerClient client, DockerEndpoint endpoint, DockerTimeouts timeouts, EngineTls? tls)
    : IDisposable
{
    public DockerEndpoint Endpoint => endpoint;

    public DockerTimeouts Timeouts => timeouts;

    /// <summary>A call bounded by a total limit: <see cref="DockerTimeouts.Metadata"/> unless given.</summary>
    public async Task<T> RunAsync<T>(
        string call, Func<IDockerClient, CancellationToken, Task<T>> send, CancellationToken cancellation,
        TimeSpan? limit = null)
    {
        var total = limit ?? timeouts.Metadata;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(total);
        try
        {
            var answer = send(client, deadline.Token);
            await Abandonable(answer, deadline.Token);
            return await answer;
        }
        catch (Exception failure) when (!cancellation.IsCancellationRequested && Translate(
            call, failure, deadline.IsCancellationRequested ? $"did not answer {call} within {Duration(total)}" : null) is { } translated)
        {
            throw translated;
        }
    }

    public Task RunAsync(
        string call, Func<IDockerClient, CancellationToken, Task> send, CancellationToken cancellation,
        TimeSpan? limit = null) =>
        RunAsync(call, async (docker, token) =>
        {
            await send(docker, token);
            return true;
        }, cancellation, limit);

    /// <summary>A call for something that may not be there: null when the engine answers 404.</summary>
    public async Task<T?> FindAsync<T>(
        string call, Func<IDockerClient, CancellationToken, Task<T>> send, CancellationToken cancellation)
        where T : class
    {
        try
        {
            return await RunAsync(call, send, cancellation);
        }
        catch (DockerApiException missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>A removal: false when there was nothing to remove (404).</summary>
    public async Task<bool> RemoveAsync(
        string call, Func<IDockerClient, CancellationToken, Task> send, CancellationToken cancellation) =>
        await FindAsync(call, async (docker, token) =>
        {
            await send(docker, token);
            return call;
        }, cancellation) is not null;

    /// <summary>
    /// A streaming call (pull, push, build, load, save): it fails when no byte has moved, either way, for
    /// <see cref="DockerTimeouts.StreamIdle"/> (or <paramref name="idle"/>), however long it runs in total. The
    /// call touches the watchdog as data moves.
    /// </summary>
    public async Task StreamAsync(
        string call, Func<IDockerClient, IdleWatchdog, Task> send, CancellationToken cancellation, TimeSpan? idle = null)
    {
        using var watchdog = new IdleWatchdog(idle ?? timeouts.StreamIdle, cancellation);
        try
        {
            await Abandonable(send(client, watchdog), watchdog.Token);
        }
        catch (Exception failure) when (!cancellation.IsCancellationRequested && Translate(
            call, failure, watchdog.Token.IsCancellationRequested ? $"sent nothing for {Duration(watchdog.Idle)} during {call}" : null) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Null for an exception that is not about the way to the engine (ours, or a bug): it goes on as it is.</summary>
    private PipelineException? Translate(string call, Exception failure, string? stalled) => failure switch
    {
        LibraryApiException refused => new DockerApiException(
            call, refused.StatusCode, EngineFailure.EngineMessage(refused.ResponseBody), refused),
        JsonException notJson => EngineFailure.NotTheEngine(endpoint, call, notJson),
        _ when EngineFailure.IsTransport(failure) => EngineFailure.For(endpoint, call, failure, stalled, tls),
        _ => null,
    };

    // The library's TCP connect and TLS handshake take no token, so a call past its limit is left to end on its own.
    private static async Task Abandonable(Task call, CancellationToken token)
    {
        try
        {
            await call.WaitAsync(token);
        }
        catch (OperationCanceledException) when (!call.IsCompleted)
        {
            _ = call.ContinueWith(static done => _ = done.Exception, TaskContinuationOptions.OnlyOnFaulted);
            throw;
        }
    }

    private static string Duration(TimeSpan limit) =>
        limit < TimeSpan.FromMinutes(1) ? $"{limit.TotalSeconds:0.#} s" : $"{limit.TotalMinutes:0.##} min";

    public void Dispose() => client.Dispose();
}
