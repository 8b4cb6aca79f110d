using System.Text;
using Pipeline.Config;

namespace Pipeline.Docker;

/// <summary>
/// One Engine API call as a value, so a dry run can print it and a unit test can assert it before anything is sent.
/// Headers carry registry credentials, so they are secrets and never part of <see cref="ToString"/>.
/// </summary>
public sealed record DockerRequest(HttpMethod Method, string Path)
{
    /// <summary>Every path is sent under this version, so a newer engine answers the way dockerd 20.10 does.</summary>
    public const string ApiVersion = "1.41";

    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = [];

    public IReadOnlyDictionary<string, Secret> Headers { get; init; } = new Dictionary<string, Secret>();

    /// <summary>A JSON body (container and network specs); serialised as the engine's PascalCase shapes.</summary>
    public object? JsonBody { get; init; }

    public static DockerRequest Get(string path) => new(HttpMethod.Get, path);

    public static DockerRequest Post(string path) => new(HttpMethod.Post, path);

    public static DockerRequest Delete(string path) => new(HttpMethod.Delete, path);

    public DockerRequest With(string name, string? value) =>
        value is null ? this : this with { Query = [.. Query, new(name, value)] };

    public DockerRequest With(string name, bool value) => With(name, value ? "true" : "false");

    public DockerRequest WithBody(object body) => this with { JsonBody = body };

    public DockerRequest WithHeader(string name, Secret value) =>
        this with { Headers = new Dictionary<string, Secret>(Headers) { [name] = value } };

    /// <summary>The versioned path and query, as sent.</summary>
    public string PathAndQuery
    {
        get
        {
            var text = new StringBuilder("/v").Append(ApiVersion).Append(Path);
            for (var i = 0; i < Query.Count; i++)
            {
                text.Append(i == 0 ? '?' : '&')
                    .Append(Uri.EscapeDataString(Query[i].Key)).Append('=')
                    .Append(Uri.EscapeDataString(Query[i].Value));
            }
            return text.ToString();
        }
    }

    /// <summary>
    /// An image name or ID as one path segment (a name holds '/' and ':', which the engine accepts raw). A "." or
    /// ".." part is refused: System.Uri would collapse it and send the call to another endpoint
    /// ("/images/../../containers/x/json" is "/containers/x/json").
    /// </summary>
    public static string Segment(string value)
    {
        if (value.Split('/').Any(part => part is "." or ".."))
            throw new PipelineException(
                $"'{ValueText.Escape(value)}' cannot be part of an Engine API path: it has a '.' or '..' part",
                "Use an image, container or network name without such parts (settings are checked at start; this name came from elsewhere).");
        return Uri.EscapeDataString(value).Replace("%2F", "/").Replace("%3A", ":");
    }

    public override string ToString() => $"{Method.Method} {PathAndQuery}";
}
