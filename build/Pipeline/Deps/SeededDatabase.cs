using System.Security.Cryptography;
using System.Text;
using Pipeline.Cli;
using Pipeline.Docker;

namespace Pipeline.Deps;

/// <summary>
/// A local image of the database as it is right after its first start and the schema import. A fresh MySQL or
/// MariaDB container spends most of its start initialising its data directory; one started from this image finds
/// it ready and only starts the server. The tag is keyed on the database image's ID and the schema's bytes, so a
/// new image or a changed schema makes a new seed. The schema is still imported on every start (it is written
/// to be re-run), so the tests never depend on what the snapshot holds.
/// An image that declares its data directory a VOLUME (the official mysql image does) cannot be seeded: a
/// commit never includes volumes. Such images simply start fresh each time.
/// </summary>
public sealed class SeededDatabase(IDockerEngine docker)
{
    public const string Repository = "pipeline-deps/mysql-seed";
    public const string SeedLabel = "pipeline.deps.seed-of";

    public static string Tag(string imageId, byte[] schema)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes(imageId + "\n").Concat(schema).ToArray());
        return Convert.ToHexStringLower(key)[..16];
    }

    /// <summary>The seed to start from, or null (with the reason logged) when there is none yet or none can be made.</summary>
    public async Task<SeedChoice> ChooseAsync(string mysqlImage, string schemaFile, CancellationToken cancellation)
    {
        var image = await docker.Images.InspectAsync(mysqlImage, cancellation);
        if (image is null) return new SeedChoice(null, null);
        if (image.Volumes.Count > 0)
        {
            Log.Note($"{mysqlImage} keeps its data in a VOLUME ({string.Join(", ", image.Volumes)}): starting it fresh, no seed");
            return new SeedChoice(null, null);
        }
        var reference = $"{Repository}:{Tag(image.Id, await File.ReadAllBytesAsync(schemaFile, cancellation))}";
        var seed = await docker.Images.InspectAsync(reference, cancellation);
        return seed is not null ? new SeedChoice(reference, null) : new SeedChoice(null, reference);
    }

    /// <summary>Saves the running, freshly imported database as the seed, then drops older seeds of the same image.</summary>
    public async Task SaveAsync(string container, string reference, string mysqlImage, CancellationToken cancellation)
    {
        var tag = reference[(reference.LastIndexOf(':') + 1)..];
        try
        {
            await docker.Containers.CommitAsync(container, Repository, tag,
                new Dictionary<string, string> { [SeedLabel] = mysqlImage }, cancellation);
            Log.Note($"saved {reference}: the next StartDeps skips the database's first-start initialisation");
            foreach (var old in await docker.Images.ListByLabelAsync($"{SeedLabel}={mysqlImage}", cancellation))
            {
                if (!old.RepoTags.Contains(reference)) await docker.Images.RemoveAsync(old.Id, force: false, cancellation);
            }
        }
        catch (DockerApiException e)
        {
            // Only a speed-up: a failed snapshot or clean-up costs the next run some seconds, not its result.
            Log.Warn($"could not save the seeded database image {reference}: {e.EngineMessage}");
        }
    }
}

/// <summary>Start from <see cref="Seed"/> when set; else start fresh, and save <see cref="ToSave"/> when set.</summary>
public sealed record SeedChoice(string? Seed, string? ToSave);
