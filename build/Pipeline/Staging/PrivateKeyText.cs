using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Config;

namespace Pipeline.Staging;

/// <summary>
/// A private key given as text (STAGING_SSH_PRIVATE_KEY), checked and put in the form OpenSSH reads. Nothing here
/// ever puts the value, or any part of it, into a message.
/// </summary>
public static partial class PrivateKeyText
{
    public const string Origin = "STAGING_SSH_PRIVATE_KEY";

    private static readonly byte[] OpenSshMagic = Encoding.ASCII.GetBytes("openssh-key-v1\0");

    // "openssh-key-v1" in base64: how the body of every OpenSSH key starts, armour or not.
    private const string OpenSshBodyStart = "b3BlbnNzaC1rZXktdjE";

    /// <summary>
    /// True for text that is a private key (armoured, escaped onto one line, or only its base64 body) rather than a
    /// path: a key put into a path setting by mistake.
    /// </summary>
    public static bool LooksLikeKey(string value) =>
        value.Contains("-----BEGIN ", StringComparison.Ordinal) || value.Contains("PRIVATE KEY", StringComparison.Ordinal)
        || value.Contains(OpenSshBodyStart, StringComparison.Ordinal)
        || (value.Length >= 100 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '\r' or '\n'));

    /// <summary>Masks a key that turned up where it does not belong, whole and line by line, as <see cref="Normalise"/> does.</summary>
    public static void Mask(string value)
    {
        Redactor.Register(value);
        foreach (var line in value.Replace("\\n", "\n").Replace('\r', '\n').Split('\n').Select(l => l.Trim()).Where(l => l.Length >= 16 && !l.StartsWith("-----", StringComparison.Ordinal)))
            Redactor.Register(line);
    }

    /// <summary>
    /// The key with LF line ends and exactly one final newline, as a Secret; throws when it is not a usable key, or
    /// is passphrase-protected and no passphrase was given.
    /// </summary>
    public static Secret Normalise(string value, bool passphraseGiven = false)
    {
        // CI secret stores keep what was pasted: CRLF from a Windows clipboard, no final newline, surrounding blanks.
        // OpenSSH refuses a key whose last line has no newline ("invalid format"), so the form is fixed here.
        var text = value.Replace("\r\n", "\n").Replace('\r', '\n');
        // A key squeezed into one line by a tool that escapes newlines (a .env file, a JSON value).
        if (!text.Contains('\n') && text.Contains("\\n", StringComparison.Ordinal)) text = text.Replace("\\n", "\n");
        var lines = text.Split('\n').Select(l => l.Trim()).SkipWhile(l => l.Length == 0).Reverse().SkipWhile(l => l.Length == 0).Reverse().ToList();

        if (!text.Contains("-----BEGIN ", StringComparison.Ordinal))
            throw new PipelineException(
                $"{Origin} is not a private key: it has no '-----BEGIN ... PRIVATE KEY-----' line",
                $"Put the whole private key file into it, from its -----BEGIN line to its -----END line (not the public key, not a path: a path goes in {PipelineParameters.StagingSshKey.CliName} / {PipelineParameters.StagingSshKey.EnvVar}).");
        var begin = lines.FindIndex(l => BeginLine().IsMatch(l));
        if (begin < 0)
            throw new PipelineException(
                $"{Origin} is not a private key: its -----BEGIN line is not a private key's, or is not on a line of its own",
                "Put the private key file in as it is, line for line (a secret store that joins lines into one breaks it).");
        var kind = BeginLine().Match(lines[begin]).Groups["kind"].Value;
        var end = lines.FindIndex(begin + 1, l => l == $"-----END {kind}-----");
        if (end < 0)
            throw new PipelineException(
                $"{Origin} is not a whole private key: its -----END {kind}----- line is missing",
                "Put the whole private key file in, including its last line; it may have been cut off.");
        var body = lines.GetRange(begin + 1, end - begin - 1);
        if (kind == "OPENSSH PRIVATE KEY") CheckOpenSshBody(body, passphraseGiven);
        else if (!passphraseGiven && (kind.Contains("ENCRYPTED", StringComparison.Ordinal) || body.Any(l => l.StartsWith("Proc-Type:", StringComparison.Ordinal) && l.Contains("ENCRYPTED", StringComparison.Ordinal))))
            throw Encrypted();

        var normalised = string.Join("\n", lines.GetRange(begin, end - begin + 1)) + "\n";
        var secret = new Secret(normalised);
        // A tool that prints part of a key prints it line by line; every long line is masked on its own too.
        foreach (var line in body.Where(l => l.Length >= 16)) Redactor.Register(line);
        return secret;
    }

    private static void CheckOpenSshBody(IReadOnlyList<string> body, bool passphraseGiven)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(string.Concat(body));
        }
        catch (FormatException)
        {
            throw Damaged();
        }
        // openssh-key-v1 format (OpenSSH's PROTOCOL.key): the magic, then the cipher name as a length-prefixed string.
        if (bytes.Length < OpenSshMagic.Length + 4 || !bytes.AsSpan(0, OpenSshMagic.Length).SequenceEqual(OpenSshMagic)) throw Damaged();
        var length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(OpenSshMagic.Length));
        if (length > bytes.Length - OpenSshMagic.Length - 4) throw Damaged();
        if (!passphraseGiven && Encoding.ASCII.GetString(bytes, OpenSshMagic.Length + 4, (int)length) != "none") throw Encrypted();
    }

    private static PipelineException Damaged() => new(
        $"{Origin} is not a valid OpenSSH private key: the lines between -----BEGIN and -----END do not decode to one",
        "Put the private key file in unchanged, line for line; it may have been cut or edited.");

    // Nothing can ask for a passphrase in a pipeline run: it comes from its own secret, or the key needs none.
    private static PipelineException Encrypted() => new(
        $"{Origin} holds a passphrase-protected key, and {PipelineParameters.StagingSshKeyPassphrase.EnvVar} is not set",
        $"Set {PipelineParameters.StagingSshKeyPassphrase.EnvVar} (a secret) to its passphrase, or use a deploy key without one (ssh-keygen -t ed25519 -N '').");

    [GeneratedRegex(@"^-----BEGIN (?<kind>([A-Z0-9]+ )*PRIVATE KEY)-----\z")]
    private static partial Regex BeginLine();
}
