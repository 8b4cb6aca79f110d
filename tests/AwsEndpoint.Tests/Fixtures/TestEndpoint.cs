using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(AwsEndpoint.Tests.Fixtures.TestEndpoint))]

namespace AwsEndpoint.Tests.Fixtures;

/// <summary>One endpoint for the whole run, in-process on a free loopback port, with its own key pairs and state
/// dir but the sandbox's real registry; and one freshly pushed image. Started on first use, so the pure unit
/// tests run without the sandbox, while every integration test fails (never skips) when the registry is down.</summary>
public sealed class TestEndpoint : IAsyncDisposable
{
    public const string Repository = "sandbox-tests/aws-endpoint";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Started? _started;

    public sealed record Started(Uri Url, RequestSigner.Key Key, RequestSigner.Key TemporaryKey, PushedImage Image,
        string StateDir, string CredentialsFile, IReadOnlyCollection<string> LogLines);

    private WebApplication? _app;
    private HttpClient? _registry;
    private string? _stateDir;

    public async Task<Started> StartedAsync()
    {
        await _gate.WaitAsync();
        try { return _started ??= await StartAsync(); }
        finally { _gate.Release(); }
    }

    private async Task<Started> StartAsync()
    {
        await RequireSandboxRegistryAsync();
        _stateDir = Directory.CreateTempSubdirectory("aws-endpoint-tests-").FullName;
        var key = new RequestSigner.Key("AKIA" + RandomText(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), RandomText(40, null));
        var temporary = new RequestSigner.Key("ASIA" + RandomText(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), RandomText(40, null), RandomText(64, null));
        var credentials = Path.Combine(_stateDir, "credentials");
        await File.WriteAllTextAsync(credentials, $"""
            [sandbox]
            aws_access_key_id = {key.AccessKeyId}
            aws_secret_access_key = {key.Secret}
            [temporary]
            aws_access_key_id = {temporary.AccessKeyId}
            aws_secret_access_key = {temporary.Secret}
            aws_session_token = {temporary.SessionToken}
            """);

        var log = new ConcurrentQueue<string>();
        _app = EndpointHost.Create(new EndpointOptions
        {
            StateDir = _stateDir,
            Port = 0,
            CredentialsFile = credentials,
            RegistryPasswordFile = SandboxPaths.RegistryPasswordFile,
            RegistryDataDir = SandboxPaths.RegistryDataDir,
        }, logging => logging.AddProvider(new QueueLoggerProvider(log)));
        await _app.StartAsync();

        _registry = RegistryImagePusher.CreateClient(SandboxPaths.RegistryPasswordFile);
        var run = RandomText(8, "abcdefghijklmnopqrstuvwxyz0123456789");
        var image = await new RegistryImagePusher(_registry).PushAsync(Repository, [$"run-{run}", $"run-{run}-alias"], CancellationToken.None);
        return new Started(EndpointHost.BoundAddress(_app), key, temporary, image, _stateDir, credentials, log);
    }

    private static async Task RequireSandboxRegistryAsync()
    {
        const string fix = "start the sandbox first: sandbox/up.sh (as root)";
        if (!File.Exists(SandboxPaths.RegistryPasswordFile))
            throw new InvalidOperationException($"The sandbox registry password {SandboxPaths.RegistryPasswordFile} is missing: {fix}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        HttpStatusCode status;
        try { status = (await http.GetAsync(SandboxPaths.RegistryUrl + "/v2/")).StatusCode; }
        catch (HttpRequestException e) { throw new InvalidOperationException($"The sandbox registry on {SandboxPaths.RegistryUrl} does not answer ({e.Message}): {fix}"); }
        if (status != HttpStatusCode.Unauthorized)
            throw new InvalidOperationException($"{SandboxPaths.RegistryUrl}/v2/ answered HTTP {(int)status}, not 401: that is not the sandbox's authenticated registry; {fix}");
    }

    internal static string RandomText(int length, string? alphabet)
    {
        alphabet ??= "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";
        return string.Create(length, alphabet, (span, a) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = a[System.Security.Cryptography.RandomNumberGenerator.GetInt32(a.Length)];
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_started is not null && _registry is not null) await new RegistryImagePusher(_registry).DeleteAsync(_started.Image, CancellationToken.None);
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); }
        _registry?.Dispose();
        if (_stateDir is not null) Directory.Delete(_stateDir, recursive: true);
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(lines);
        public void Dispose() { }
    }

    private sealed class QueueLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
    }
}
