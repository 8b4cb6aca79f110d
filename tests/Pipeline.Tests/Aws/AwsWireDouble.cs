using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Pipeline.Tests.Aws;

/// <summary>One request as it arrived: header names in lower case, the body as sent.</summary>
internal sealed record AwsWireRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.GetValueOrDefault(name.ToLowerInvariant());

    /// <summary>The fields of an AWS query-protocol body (STS): Action=...&amp;RoleArn=...</summary>
    public IReadOnlyDictionary<string, string> Form() => Text.Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p.Length > 1 ? p[1] : ""));
}

/// <summary>What the double answers: a status, a content type and a body.</summary>
internal sealed record AwsWireAnswer(int Status, string ContentType, string Body)
{
    public static AwsWireAnswer Json(string body) => new(200, "application/x-amz-json-1.1", body);

    public static AwsWireAnswer Xml(string body) => new(200, "text/xml", body);
}

/// <summary>
/// An HTTP listener on a loopback port that speaks whatever AWS wire protocol the test's handler answers with,
/// and keeps every request. The sandbox's AWS endpoint serves ECR and ECS but not STS, and a test that points
/// AWS_ENDPOINT_URL_* somewhere must be able to see exactly what arrived there.
/// </summary>
internal sealed class AwsWireDouble : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<AwsWireRequest, AwsWireAnswer> _answer;
    private readonly ConcurrentQueue<AwsWireRequest> _requests = new();
    private readonly Task _serving;

    public AwsWireDouble(Func<AwsWireRequest, AwsWireAnswer> answer)
    {
        _answer = answer;
        // The port is free when asked; another process taking it in between makes Start fail loudly, not wrongly.
        var port = Docker.FakeEngine.FreeLoopbackPort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Url { get; }

    public IReadOnlyList<AwsWireRequest> Requests => [.. _requests];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.OfType<string>()
                .ToDictionary(name => name.ToLowerInvariant(), name => context.Request.Headers[name] ?? "");
            var request = new AwsWireRequest(context.Request.HttpMethod, context.Request.Url?.AbsolutePath ?? "/", headers, body.ToArray());
            _requests.Enqueue(request);
            AwsWireAnswer answer;
            try
            {
                answer = _answer(request);
            }
            catch (Exception e)
            {
                answer = new AwsWireAnswer(500, "text/plain", "the test double failed: " + e.Message);
            }
            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = answer.ContentType;
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
