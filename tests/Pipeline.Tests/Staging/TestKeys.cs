using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Tests.Staging;

/// <summary>
/// Private-key-shaped text for the tests, assembled at run time from random bytes: no tracked file holds anything a
/// secret scanner would take for a key, and none of it is a usable key.
/// </summary>
public static class TestKeys
{
    public const string OpenSshKind = "OPENSSH " + "PRIVATE KEY";

    /// <summary>An openssh-key-v1 body (magic, cipher name, random rest), armoured, LF line ends and a final newline.</summary>
    public static string OpenSsh(string cipher = "none")
    {
        var magic = Encoding.ASCII.GetBytes("openssh-key-v1\0");
        var name = Encoding.ASCII.GetBytes(cipher);
        var bytes = new byte[magic.Length + 4 + name.Length + 300];
        magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(magic.Length), (uint)name.Length);
        name.CopyTo(bytes, magic.Length + 4);
        RandomNumberGenerator.Fill(bytes.AsSpan(magic.Length + 4 + name.Length));
        return Armour(OpenSshKind, Wrap(Convert.ToBase64String(bytes)));
    }

    /// <summary>A PEM-style key of the given kind ("RSA PRIVATE KEY"), with optional header lines before the body.</summary>
    public static string Pem(string kind, string headers = "") =>
        Armour(kind, headers + Wrap(Convert.ToBase64String(RandomNumberGenerator.GetBytes(300))));

    public static string Armour(string kind, string body) => $"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n";

    /// <summary>The lines between the armour, which are what must never be shown.</summary>
    public static IReadOnlyList<string> BodyLines(string key) =>
        key.Replace("\r\n", "\n").Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();

    private static string Wrap(string base64) => string.Join("\n", base64.Chunk(70).Select(c => new string(c)));
}
