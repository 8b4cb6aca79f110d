namespace AwsEndpoint.Auth;

public sealed record SandboxKey(string AccessKeyId, string SecretAccessKey, string? SessionToken);

/// <summary>The key pairs the endpoint accepts: every profile of the sandbox's AWS shared-credentials file (the
/// same file `aws --profile sandbox` reads). Re-read when the file changes, so regenerated keys need no restart.</summary>
public sealed class SandboxCredentialStore(string path)
{
    private readonly Lock _gate = new();
    private (DateTime Mtime, long Size) _stamp;
    private IReadOnlyDictionary<string, SandboxKey> _keys = new Dictionary<string, SandboxKey>();

    public SandboxKey? Find(string accessKeyId) => Load().GetValueOrDefault(accessKeyId);

    private IReadOnlyDictionary<string, SandboxKey> Load()
    {
        var info = new FileInfo(path);
        if (!info.Exists) return new Dictionary<string, SandboxKey>();
        lock (_gate)
        {
            var stamp = (info.LastWriteTimeUtc, info.Length);
            if (stamp != _stamp)
            {
                _keys = Parse(File.ReadAllLines(path));
                _stamp = stamp;
            }
            return _keys;
        }
    }

    /// <summary>INI as the AWS CLI writes it: [profile] sections, "key = value" lines, # or ; comments.</summary>
    public static IReadOnlyDictionary<string, SandboxKey> Parse(IEnumerable<string> lines)
    {
        var sections = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line.StartsWith('[') && line.EndsWith(']')) { sections.Add(current = new(StringComparer.OrdinalIgnoreCase)); continue; }
            var eq = line.IndexOf('=');
            if (current is null || eq < 0) continue;
            current[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        var keys = new Dictionary<string, SandboxKey>(StringComparer.Ordinal);
        foreach (var s in sections)
        {
            if (s.TryGetValue("aws_access_key_id", out var id) && s.TryGetValue("aws_secret_access_key", out var secret))
                keys[id] = new SandboxKey(id, secret, s.GetValueOrDefault("aws_session_token"));
        }
        return keys;
    }
}
