namespace Pipeline.Docker;

internal sealed partial class ContainerOperations
{
    public async Task<string> CommitAsync(
        string name, string repository, string tag, IReadOnlyDictionary<string, string> labels, CancellationToken cancellation)
    {
        var created = await api.GetJsonAsync<ContainerCreatedWire>(CommitRequest(name, repository, tag, labels), cancellation);
        return created!.Id;
    }

    // Labels go in as Dockerfile LABEL changes (the CLI's --change), so the container's own config (entrypoint,
    // env, exposed ports) is kept as it is.
    internal static DockerRequest CommitRequest(
        string name, string repository, string tag, IReadOnlyDictionary<string, string> labels)
    {
        var request = DockerRequest.Post("/commit").With("container", name).With("repo", repository).With("tag", tag)
            .With("pause", true);
        foreach (var (key, value) in labels) request = request.With("changes", $"LABEL {key}=\"{value}\"");
        return request;
    }
}
