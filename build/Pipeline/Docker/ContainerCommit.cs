using Docker.DotNet.Models;

namespace Pipeline.Docker;

internal sealed partial class ContainerOperations
{
    public async Task<string> CommitAsync(
        string name, string repository, string tag, IReadOnlyDictionary<string, string> labels, CancellationToken cancellation)
    {
        var committed = await engine.RunAsync("POST /commit",
            (docker, token) => docker.Images.CommitContainerChangesAsync(CommitParameters(name, repository, tag, labels), token),
            cancellation);
        return committed.ID;
    }

    // Labels go in as Dockerfile LABEL changes (the CLI's --change), so the container's own config (entrypoint,
    // env, exposed ports) is kept as it is: the engine fills what the request leaves empty from the container.
    internal static CommitContainerChangesParameters CommitParameters(
        string name, string repository, string tag, IReadOnlyDictionary<string, string> labels) => new()
    {
        ContainerID = name,
        RepositoryName = repository,
        Tag = tag,
        Pause = true,
        Changes = labels.Select(label => $"LABEL {label.Key}=\"{label.Value}\"").ToList(),
    };
}
