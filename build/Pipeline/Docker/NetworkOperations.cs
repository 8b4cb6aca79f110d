using System.Net;
using Docker.DotNet.Models;

namespace Pipeline.Docker;

internal sealed class NetworkOperations(EngineCalls engine) : INetworkOperations
{
    public async Task<string> CreateAsync(
        string name, IReadOnlyDictionary<string, string> labels, CancellationToken cancellation)
    {
        string id;
        try
        {
            id = (await engine.RunAsync("POST /networks/create",
                (docker, token) => docker.Networks.CreateNetworkAsync(CreateParameters(name, labels), token), cancellation)).ID;
        }
        catch (DockerApiException refused) when (refused.StatusCode == HttpStatusCode.Conflict)
        {
            throw Exists(name, refused);
        }
        // Network names are not unique in an API 1.41 engine unless the request says CheckDuplicate, which the
        // library no longer sends (newer engines always refuse). Two same-named networks make every later call by
        // name ambiguous, so a second one is taken back at once.
        var sameName = (await ListAsync(EngineRecords.Filter("name", name), cancellation)).Count(network => network.Name == name);
        if (sameName > 1)
        {
            await RemoveAsync(id, cancellation);
            throw Exists(name, inner: null);
        }
        return id;
    }

    internal static NetworksCreateParameters CreateParameters(string name, IReadOnlyDictionary<string, string> labels) =>
        new() { Name = name, Driver = "bridge", Labels = new Dictionary<string, string>(labels) };

    public async Task ConnectAsync(
        string network, string container, IReadOnlyList<string> aliases, CancellationToken cancellation)
    {
        var parameters = new NetworkConnectParameters
        {
            Container = container,
            EndpointConfig = new EndpointSettings { Aliases = [.. aliases] },
        };
        await engine.RunAsync($"POST /networks/{network}/connect",
            (docker, token) => docker.Networks.ConnectNetworkAsync(network, parameters, token), cancellation);
    }

    public async Task<NetworkSummary?> InspectAsync(string name, CancellationToken cancellation) =>
        await engine.FindAsync($"GET /networks/{name}",
            (docker, token) => docker.Networks.InspectNetworkAsync(name, token), cancellation) is { } network
            ? EngineRecords.Summary(network)
            : null;

    public Task<bool> RemoveAsync(string name, CancellationToken cancellation) =>
        engine.RemoveAsync($"DELETE /networks/{name}",
            (docker, token) => docker.Networks.DeleteNetworkAsync(name, token), cancellation);

    public Task<IReadOnlyList<NetworkSummary>> ListByLabelAsync(string label, CancellationToken cancellation) =>
        ListAsync(EngineRecords.Filter("label", label), cancellation);

    private async Task<IReadOnlyList<NetworkSummary>> ListAsync(
        IDictionary<string, IDictionary<string, bool>> filters, CancellationToken cancellation)
    {
        var rows = await engine.RunAsync("GET /networks", (docker, token) =>
            docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filters }, token), cancellation);
        return rows.Select(EngineRecords.Summary).ToList();
    }

    private static PipelineException Exists(string name, DockerApiException? inner) => new(
        $"A network named {name} already exists",
        $"Remove it (docker network rm {name}) or let the run pick a new name.", inner?.EngineMessage, inner);
}
