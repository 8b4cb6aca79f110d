using System.Text.Json;
using AwsEndpoint.Protocol;

namespace AwsEndpoint.Ecr;

/// <summary>A repository as CreateRepository asked for it.</summary>
public sealed record RepositoryRecord(string Name, DateTimeOffset CreatedAt, string ImageTagMutability, bool ScanOnPush, string EncryptionType);

/// <summary>The one thing the registry cannot hold: a plain registry creates a repository implicitly on the first
/// push, so a CreateRepository before any push is recorded here (with its settings and creation time). Images are
/// never recorded: those are always read from the registry.</summary>
public sealed class EcrRepositoryRecords(string path)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IReadOnlyList<RepositoryRecord>> AllAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try { return await ReadAsync(ct); }
        finally { _gate.Release(); }
    }

    /// <summary>Adds the record unless <paramref name="exists"/> says the name is taken (checked under the same lock,
    /// so two concurrent CreateRepository calls cannot both succeed). False when it was taken.</summary>
    public async Task<bool> AddAsync(RepositoryRecord record, Func<IReadOnlyList<RepositoryRecord>, Task<bool>> exists, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var all = await ReadAsync(ct);
            if (await exists(all)) return false;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var tmp = path + ".tmp";
            await File.WriteAllTextAsync(tmp, JsonSerializer.Serialize(all.Append(record).ToList(), AwsJson.Options), ct);
            File.Move(tmp, path, overwrite: true);
            return true;
        }
        finally { _gate.Release(); }
    }

    private async Task<IReadOnlyList<RepositoryRecord>> ReadAsync(CancellationToken ct) =>
        File.Exists(path)
            ? JsonSerializer.Deserialize<List<RepositoryRecord>>(await File.ReadAllTextAsync(path, ct), AwsJson.Options) ?? []
            : [];
}
