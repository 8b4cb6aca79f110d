using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Docker;

internal sealed class NetworkOperations(DockerApiClient api) : INetworkOperations
{
    public async Task<string> CreateAsync(
        string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellation)
    {
        try
        {
            var created = await api.GetJsonAsync<NetworkCreatedWire>(CreateRequest(name, labels), cancellation);
            return created!.Id;
        }
        catch (DockerApiException refused) when (refused.StatusCode == HttpStatusCode.Conflict)
        {
            throw new PipelineException($"A network named {name} already exists",
                $"Remove it (docker network rm {name}) or let the run pick a new name.", refused.EngineMessage, refused);
        }
    }

    // CheckDuplicate: network names are not unique in the engine unless asked, and two same-named networks make
    // every later call by name ambiguous.
    internal static DockerRequest CreateRequest(string name, IReadOnlyDictionary<string, string> labels) =>
        DockerRequest.Post("/networks/create").WithBody(new
        {
            Name = name,
            Driver = "bridge",
            CheckDuplicate = true,
            Labels = labels,
        });

    public async Task ConnectAsync(
        string network, string container, IReadOnlyList<string> aliases, CancellationToken cancellation)
    {
        var request = DockerRequest.Post($"/networks/{DockerRequest.Segment(network)}/connect").WithBody(new
        {
            Container = container,
            EndpointConfig = new { Aliases = aliases },
        });
        await api.SendAsync(request, cancellation);
    }

    public async Task<NetworkSummary?> InspectAsync(string name, CancellationToken cancellation)
    {
        var wire = await api.GetJsonAsync<NetworkWire>(
            DockerRequest.Get($"/networks/{DockerRequest.Segment(name)}"), cancellation, nullOn404: true);
        return wire?.ToSummary();
    }

    public async Task<bool> RemoveAsync(string name, CancellationToken cancellation) =>
        await api.SendAsync(DockerRequest.Delete($"/networks/{DockerRequest.Segment(name)}"), cancellation,
            nullOn404: true) is not null;

    public async Task<IReadOnlyList<NetworkSummary>> ListByLabelAsync(string label, CancellationToken cancellation)
    {
        var filters = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["label"] = [label] });
        var rows = await api.GetJsonAsync<List<NetworkWire>>(
            DockerRequest.Get("/networks").With("filters", filters), cancellation);
        return rows is null ? [] : rows.Select(row => row.ToSummary()).ToList();
    }

    private sealed record NetworkCreatedWire([property: JsonPropertyName("Id")] string Id);

    private sealed record NetworkWire(
        [property: JsonPropertyName("Id")] string Id,
        [property: JsonPropertyName("Name")] string Name,
        [property: JsonPropertyName("Driver")] string Driver,
        [property: JsonPropertyName("Labels")] Dictionary<string, string>? Labels,
        [property: JsonPropertyName("Containers")] Dictionary<string, JsonElement>? Containers)
    {
        public NetworkSummary ToSummary() => new(
            Id, Name, Driver, Labels ?? new Dictionary<string, string>(), (Containers ?? []).Keys.ToList());
    }
}
