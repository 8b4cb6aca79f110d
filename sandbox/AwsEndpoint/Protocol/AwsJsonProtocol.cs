using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AwsEndpoint.Auth;
using Microsoft.AspNetCore.Http.Features;

namespace AwsEndpoint.Protocol;

/// <summary>The AWS JSON 1.1 wire protocol: POST / with <c>X-Amz-Target: Prefix.Operation</c>, a signed body,
/// a JSON answer, or an error as <c>{"__type","message"}</c> plus <c>x-amzn-ErrorType</c> (botocore reads the
/// header first, AWSSDK the body, so both are sent). Services plug in by target prefix.</summary>
public sealed class AwsJsonProtocol(IEnumerable<IAwsJsonService> services, SigV4Verifier verifier, ILogger<AwsJsonProtocol> log)
{
    // Bodies of the calls we serve are small; a cap keeps a stray upload from filling memory.
    private const int MaxBodyBytes = 10 * 1024 * 1024;
    private readonly IReadOnlyDictionary<string, IAwsJsonService> _byPrefix =
        services.ToDictionary(s => s.TargetPrefix, StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        var target = http.Request.Headers["X-Amz-Target"].ToString();
        http.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        var (status, error) = (HttpStatusCode.OK, (string?)null);
        try
        {
            var result = await InvokeAsync(http, target);
            http.Response.ContentType = AwsJson.ContentType;
            await JsonSerializer.SerializeAsync(http.Response.Body, result, result.GetType(), AwsJson.Options, http.RequestAborted);
        }
        catch (AwsServiceException e)
        {
            (status, error) = (e.Status, e.Code);
            await WriteErrorAsync(http, e);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            // The detail goes to the log (never to the caller); AWS hides internals behind InternalFailure too.
            log.LogError("{Target} failed: {Type}: {Message}", target, e.GetType().Name, e.Message);
            (status, error) = (HttpStatusCode.InternalServerError, "InternalFailure");
            await WriteErrorAsync(http, new AwsServiceException("InternalFailure",
                "The request processing has failed because of an unknown error, exception or failure.", HttpStatusCode.InternalServerError));
        }
        // One line per request: operation and outcome only, never headers, keys or bodies.
        // The target is client-supplied: cap it so a junk header cannot flood the log.
        log.LogInformation("{Target} {Status}{Error} {Ms:F0}ms", target.Length == 0 ? "(no target)" : target.Length > 120 ? target[..120] + "..." : target, (int)status,
            error is null ? "" : " " + error, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private async Task<object> InvokeAsync(HttpContext http, string target)
    {
        var dot = target.LastIndexOf('.');
        var contentType = http.Request.ContentType ?? "";
        // Coral dispatches on content type and target together: a request matching neither is an unknown operation.
        if (dot < 0 || !_byPrefix.TryGetValue(target[..dot], out var service) || !contentType.StartsWith("application/x-amz-json-1.", StringComparison.Ordinal))
            throw new AwsServiceException("UnknownOperationException",
                target.Length == 0 ? "Missing X-Amz-Target header." : $"Unknown operation '{target}' (content type '{contentType}', expected {AwsJson.ContentType}).");

        var body = await ReadBodyAsync(http);
        var raw = http.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var q = raw.IndexOf('?');
        var request = new SignedRequest(http.Request.Method, q < 0 ? raw : raw[..q], q < 0 ? "" : raw[(q + 1)..],
            name => http.Request.Headers[name].Select(v => v ?? "").ToArray(), body);
        verifier.Verify(request, service.SigningName);

        if (!service.Operations.TryGetValue(target[(dot + 1)..], out var operation))
            throw new AwsServiceException("UnknownOperationException", $"Unknown operation '{target}'.");
        using var doc = ParseBody(body);
        return await operation(doc.RootElement, http.RequestAborted);
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes)
                throw new AwsServiceException("SerializationException", $"Request body larger than {MaxBodyBytes} bytes.");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static JsonDocument ParseBody(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
        }
        catch (JsonException)
        {
            throw new AwsServiceException("SerializationException", "Start of structure or map found where not expected.");
        }
    }

    private static async Task WriteErrorAsync(HttpContext http, AwsServiceException e)
    {
        if (http.Response.HasStarted) return;
        http.Response.StatusCode = (int)e.Status;
        http.Response.ContentType = AwsJson.ContentType;
        http.Response.Headers["x-amzn-ErrorType"] = e.Code;
        await JsonSerializer.SerializeAsync(http.Response.Body, new AwsErrorBody(e.Code, e.Message), AwsJson.Options);
    }
}

/// <summary>AWS JSON error body. "__type" cannot come from the camelCase policy, hence the explicit name.</summary>
public sealed record AwsErrorBody(
    [property: System.Text.Json.Serialization.JsonPropertyName("__type")] string Type,
    [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message);
