using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AwsEndpoint.Tests.Fixtures;

public sealed record RawResponse(HttpStatusCode Status, string? ErrorTypeHeader, string ContentType, JsonElement Body);

/// <summary>Raw AWS JSON 1.1 calls, signed, returning the body as sent: the aws CLI drops members the model does
/// not know, so checking responses against the model needs the raw JSON.</summary>
public static class SignedEcrClient
{
    public const string Prefix = "AmazonEC2ContainerRegistry_V20150921.";

    public static async Task<RawResponse> CallAsync(Uri endpoint, RequestSigner.Key key, string operation, object input, CancellationToken ct,
        string? target = null, bool sign = true)
    {
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(input));
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        var headers = new Dictionary<string, string> { ["content-type"] = "application/x-amz-json-1.1", ["x-amz-target"] = target ?? Prefix + operation };
        if (sign) headers = RequestSigner.Sign(key, "POST", endpoint.Authority, "/", body, headers, DateTimeOffset.UtcNow);
        foreach (var (name, value) in headers.Where(h => h.Key is not ("content-type" or "host")))
            request.Headers.TryAddWithoutValidation(name, value);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        using var doc = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return new RawResponse(response.StatusCode,
            response.Headers.TryGetValues("x-amzn-ErrorType", out var t) ? t.First() : null,
            response.Content.Headers.ContentType?.MediaType ?? "", doc.RootElement.Clone());
    }
}
