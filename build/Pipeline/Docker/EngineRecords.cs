using Docker.DotNet.Models;
using EnginePortBinding = Docker.DotNet.Models.PortBinding;
using PortBinding = Pipeline.Docker.PortBinding;

namespace Pipeline.Docker;

/// <summary>
/// The library's models turned into the records the stages use. The engine sends null for empty lists and maps
/// (and the library passes them on), and this is where that is absorbed.
/// </summary>
internal static class EngineRecords
{
    /// <summary>A list filter of one kind ("label", "reference", "name") with one value, as the engine takes it.</summary>
    public static IDictionary<string, IDictionary<string, bool>> Filter(string kind, string value) =>
        new Dictionary<string, IDictionary<string, bool>> { [kind] = new Dictionary<string, bool> { [value] = true } };

    public static ImageDetails Details(ImageInspectResponse image) => new(
        image.ID, List(image.RepoTags), List(image.RepoDigests), image.Size, Time(image.Created),
        Map(image.Config?.Labels))
    {
        Volumes = image.Config?.Volumes?.Keys.ToList() ?? [],
    };

    public static ImageSummary Summary(ImagesListResponse image) => new(
        image.ID, List(image.RepoTags), List(image.RepoDigests), image.Size, Time(image.Created), Map(image.Labels));

    public static ContainerDetails Details(ContainerInspectResponse container)
    {
        var state = container.State ?? new State();
        return new ContainerDetails(
            container.ID,
            container.Name.TrimStart('/'),
            container.Config?.Image is { Length: > 0 } image ? image : container.Image,
            new ContainerState(
                state.Status, state.Running, (int)state.ExitCode, state.Error ?? "", state.OOMKilled,
                state.Health?.Status is { Length: > 0 } health ? health : null,
                state.Health?.Log?.LastOrDefault()?.Output?.Trim(),
                Time(state.StartedAt), Time(state.FinishedAt)),
            Map(container.Config?.Labels),
            container.Config?.Tty ?? false,
            (container.NetworkSettings?.Ports ?? new Dictionary<string, IList<EnginePortBinding>>())
                .Where(port => port.Value is { Count: > 0 })
                .ToDictionary(port => port.Key, port => int.Parse(port.Value[0].HostPort)),
            (container.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>())
                .ToDictionary(network => network.Key, network => network.Value?.IPAddress ?? ""));
    }

    public static ContainerSummary Summary(ContainerListResponse container) => new(
        container.ID, List(container.Names).Select(name => name.TrimStart('/')).ToList(), container.Image,
        container.State, container.Status, Map(container.Labels));

    public static NetworkSummary Summary(NetworkResponse network) => new(
        network.ID, network.Name, network.Driver, Map(network.Labels),
        (network.Containers ?? new Dictionary<string, EndpointResource>()).Keys.ToList());

    private static IReadOnlyList<string> List(IList<string>? values) => values is null ? [] : [.. values];

    private static IReadOnlyDictionary<string, string> Map(IDictionary<string, string>? values) =>
        values is null ? new Dictionary<string, string>() : new Dictionary<string, string>(values);

    private static DateTimeOffset Time(DateTime? value) => value is { } time
        ? new DateTimeOffset(DateTime.SpecifyKind(time.ToUniversalTime(), DateTimeKind.Utc))
        : DateTimeOffset.MinValue;

    // Container times come as RFC 3339 text ("0001-01-01T00:00:00Z" for never).
    private static DateTimeOffset Time(string? value) =>
        DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var time) ? time : DateTimeOffset.MinValue;
}
