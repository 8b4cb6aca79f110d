using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Pipeline.Config;

namespace Pipeline.Aws;

/// <summary>
/// Calls one AWS service over the JSON 1.1 protocol: POST / with X-Amz-Target, signed with SigV4, each attempt
/// bounded by a timeout. Throttling, 5xx answers and transport failures are retried with jittered backoff; nothing
/// else is, since a 4xx answer will not change on a second try.
/// </summary>
public sealed class AwsJsonClient(
    HttpClient http, AwsServiceEndpoint endpoint, Func<CancellationToken, Task<AwsIdentity>> identity)
{
    private const string ContentType = "application/x-amz-json-1.1";
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ResiliencePipeline _retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(400),
            ShouldHandle = new PredicateBuilder()
                .Handle<AwsServiceException>(e => e.IsRetryable)
                .Handle<HttpRequestException>()
                .Handle<TimeoutException>(),
        })
        .Build();

    public AwsServiceEndpoint Endpoint => endpoint;

    /// <summary>The request and response as JSON text: what --dryrun prints and unit tests assert.</summary>
    public static string Describe(AwsServiceEndpoint endpoint, string operation, object request) =>
        $"{endpoint.ServiceId} {operation} {JsonSerializer.Serialize(request, request.GetType(), Json)}";

    public async Task<TResponse> CallAsync<TResponse>(string operation, object request, CancellationToken cancellation)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), Json);
        var who = await identity(cancellation);
        var text = await _retry.ExecuteAsync(async token => await SendOnceAsync(operation, body, who, token), cancellation);
        return JsonSerializer.Deserialize<TResponse>(text, Json)
            ?? throw new PipelineException($"{endpoint.ServiceId} {operation} answered with an empty body", "Retry; if it persists, check the endpoint.");
    }

    private async Task<string> SendOnceAsync(string operation, byte[] body, AwsIdentity who, CancellationToken cancellation)
    {
        var target = $"{endpoint.TargetPrefix}.{operation}";
        var signed = SigV4Signer.Sign(HttpMethod.Post, endpoint.Url,
            new Dictionary<string, string> { ["Content-Type"] = ContentType, ["X-Amz-Target"] = target },
            body, who.Credentials, endpoint.Region, endpoint.SigningName, DateTime.UtcNow);

        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        foreach (var (name, value) in signed) message.Headers.TryAddWithoutValidation(name, value);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(AttemptTimeout);
        try
        {
            using var response = await http.SendAsync(message, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            if (response.IsSuccessStatusCode) return text;
            throw Failure(operation, response, text, who);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"{endpoint.ServiceId} {operation} at {endpoint.Url} did not answer within {AttemptTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException($"{endpoint.ServiceId} at {endpoint.Url} is unreachable: {e.Message}", e);
        }
    }

    private AwsServiceException Failure(string operation, HttpResponseMessage response, string body, AwsIdentity who)
    {
        var (code, message) = ParseError(response, body);
        var what = $"{endpoint.ServiceId} {operation} failed: {code}: {message}";
        var fix = code switch
        {
            "UnrecognizedClientException" or "InvalidSignatureException" or "InvalidClientTokenId" or "ExpiredTokenException"
                or "AccessDeniedException" or "IncompleteSignatureException" or "MissingAuthenticationTokenException" =>
                $"The {who} were rejected. {AwsCredentialChain.Fix}",
            _ when response.StatusCode >= HttpStatusCode.InternalServerError => "AWS answered with a server error; retry later.",
            _ => "Check the names and settings in the message.",
        };
        return new AwsServiceException(what, fix, code, response.StatusCode, Redactor.Redact(body));
    }

    /// <summary>AWS JSON errors put the code in x-amzn-ErrorType or __type, sometimes as "namespace#Code" or "Code:url".</summary>
    internal static (string Code, string Message) ParseError(HttpResponseMessage response, string body)
    {
        string? code = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (document.RootElement.TryGetProperty("__type", out var type)) code ??= type.GetString();
                foreach (var name in new[] { "message", "Message", "errorMessage" })
                    if (document.RootElement.TryGetProperty(name, out var text)) message ??= text.GetString();
            }
        }
        catch (JsonException)
        {
            message = body.Length > 200 ? body[..200] : body;
        }
        code = (code ?? $"Http{(int)response.StatusCode}").Split(':')[0];
        code = code[(code.LastIndexOf('#') + 1)..];
        return (code, message ?? response.ReasonPhrase ?? "");
    }
}
