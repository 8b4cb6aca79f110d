using System.Text.RegularExpressions;
using Pipeline.Ci;
using Pipeline.Registry;
using Pipeline.Staging;

namespace Pipeline.Config;

/// <summary>
/// The kinds of value the parameters take, each with its grammar. Every one but the multi-line kinds refuses
/// control and invisible formatting characters first (<see cref="ValueText.IsForbidden"/>): no setting of one line
/// has a use for them, and a newline in a value is a second shell command, a forged log line or YAML key.
/// Fix texts name variables as literals: this class is initialised while PipelineParameters still is.
/// </summary>
public static partial class SettingKinds
{
    public static readonly SettingKind Text = SettingKind.Line(
        "one line of text", "Remove the line break or control character: a setting holds one line of printable text.");

    private static readonly string[] FlagOn = ["true", "1", "yes", "on"];
    private static readonly string[] FlagOff = ["false", "0", "no", "off"];

    /// <summary>Exactly these words, in any case: "FORCE_PUSH=no" once counted as true because it was not "false".</summary>
    public static readonly SettingKind Flag = SettingKind.Line(
        "a flag", "Use true or false (or 1/0, yes/no, on/off).",
        value => FlagOn.Contains(value, StringComparer.OrdinalIgnoreCase) || FlagOff.Contains(value, StringComparer.OrdinalIgnoreCase)
            ? null : "it is not one of true, false, 1, 0, yes, no, on, off");

    /// <summary>True for a flag value that means on; its kind refused anything but the eight words while resolving.</summary>
    public static bool IsOn(string value) => FlagOn.Contains(value, StringComparer.OrdinalIgnoreCase);

    public static readonly SettingKind LocalPath = SettingKind.Line(
        "a path", "Give the path on one line, without control characters.");

    /// <summary>
    /// The path of a private key file. A key pasted here instead is recognised before anything else, masked from then
    /// on, and never described: the dry run would print it as -i '...', and a missing-file error would name it.
    /// </summary>
    public static readonly SettingKind KeyFile = new(
        "the path of a key file",
        "Give the path of a private key file here; the key itself goes in STAGING_SSH_PRIVATE_KEY, which is kept secret. A key put here was not: CI may have shown it, so replace that key.",
        value =>
        {
            if (!PrivateKeyText.LooksLikeKey(value)) return LocalPath.Problem(value);
            PrivateKeyText.Mask(value);
            return "it holds a private key";
        });

    /// <summary>A path on the staging hosts: it follows an option of a remote command, so it may not look like one.</summary>
    public static readonly SettingKind RemotePath = SettingKind.Line(
        "a path on the hosts", "Give an absolute path, or one starting with ~/ for the remote user's home.",
        value => value.StartsWith('-') ? "it starts with '-', which a command would read as an option" : null);

    /// <summary>The hooks are shell code by design (they run locally, as a CI step would); they may still not span lines.</summary>
    public static readonly SettingKind ShellCommand = SettingKind.Line(
        "a one-line command", "Write the command on one line (join steps with && or put them in a script and call it).");

    /// <summary>A secret never reaches a shell line or a URL (stdin, a JSON body, a mode-600 file), and is never described.</summary>
    public static readonly SettingKind Secret = new("a secret", "", _ => null);

    /// <summary>A path, or known_hosts lines themselves: line breaks and tabs are its separators, nothing else is allowed.</summary>
    public static readonly SettingKind KnownHosts = new(
        "a known_hosts path or known_hosts lines",
        "Give the path of a known_hosts file, or the lines as ssh-keyscan prints them, without other control characters.",
        value => ValueText.FirstForbidden(value, c => ValueText.IsForbidden(c) && c is not ('\n' or '\r' or '\t')));

    public static readonly SettingKind ContainerName = SettingKind.Line(
        "a valid container name", "Use letters, digits and . _ - (starting with a letter or digit), at most 63 characters.",
        value => DockerName(value, 63));

    public static readonly SettingKind NetworkName = SettingKind.Line(
        "a valid network name", "Use letters, digits and . _ - (starting with a letter or digit), as docker network create does.",
        value => DockerName(value, 128));

    public static readonly SettingKind Duration = SettingKind.Line(
        "a duration", "Write it as docker does, e.g. 1s, 500ms or 2m; empty keeps the image's own interval.",
        value => DurationPattern().IsMatch(value) ? null : "it is not a whole number followed by ms, s or m");

    /// <summary>Hex, as git prints it (SourceRevision lowercases it); CI variables that give the sha are checked there.</summary>
    public static readonly SettingKind CommitSha = SettingKind.Line(
        "a commit sha", "Give the full 40-character hex sha (or at least 7 hex characters).", Build.SourceRevision.ShaProblem);

    /// <summary>A whole number of seconds, a port, a count: digits only (int.Parse would also take spaces and signs).</summary>
    public static SettingKind WholeNumber(int min, int max) => SettingKind.Line(
        $"a whole number from {min} to {max}", $"Give a number from {min} to {max}.",
        value => SettingKind.FirstOutside(value, char.IsAsciiDigit)
                 ?? (int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
                     ? null : $"it is outside {min} to {max}"));

    public static readonly SettingKind Image = SettingKind.Line("a valid image reference", Docker.ImageReference.Fix, Docker.ImageReference.Problem);

    public static readonly SettingKind ImageList = SettingKind.ListOf(
        "a list of valid image references", Docker.ImageReference.Fix, Docker.ImageReference.Problem);

    public static readonly SettingKind RegistryHost = SettingKind.Line(
        "a registry host", "Give the registry as host[:port], e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com or 127.0.0.1:5000, without https://.",
        Docker.ImageReference.RegistryProblem);

    public static readonly SettingKind AwsRegion = SettingKind.Line(Aws.AwsRegionName.Noun, Aws.AwsRegionName.Fix, Aws.AwsRegionName.Problem);

    public static readonly SettingKind Tag = SettingKind.Line(
        "a valid image tag", TagPolicy.Rule, value => TagProblem(value, 128));

    /// <summary>A tag prefix: "{branch}", or the start of a tag (the policy appends "-" and seven hex digits).</summary>
    public static readonly SettingKind TagPrefix = SettingKind.Line(
        "a valid tag prefix", $"Use {TagPolicy.BranchPlaceholder}, or up to 100 letters, digits, '_', '.' and '-', starting with a letter, digit or '_'.",
        value => value == TagPolicy.BranchPlaceholder ? null : TagProblem(value, 100));

    public static readonly SettingKind Repository = SettingKind.Line(
        "a valid image repository name", ImageNames.RepositoryRule,
        value => ImageNames.IsValidRepository(value) ? null
            : SettingKind.FirstOutside(value, c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-' or '/')
              ?? "each part between '/' must start and end with a letter or digit, joined by one '.', one or two '_', or dashes");

    public static readonly SettingKind Branch = SettingKind.Line("a plain branch name", CiBranch.Rule, BranchProblem);

    public static readonly SettingKind BranchList = SettingKind.ListOf("a list of plain branch names", CiBranch.Rule, BranchProblem);

    public static readonly SettingKind StagingHosts = SettingKind.ListOf(
        "a list of staging hosts", $"Write each host as {StagingHost.SpecSyntax}, comma-separated, e.g. web-1=deploy@10.0.0.5:22/3001.",
        item => StagingHost.IsSpec(item) ? null
            : SettingKind.FirstOutside(item, c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '=' or '@' or ':' or '/')
              ?? $"it does not have the form {StagingHost.SpecSyntax}");

    /// <summary>pipeline.json's "services" object (<see cref="ServicesSetting"/>); one line of JSON from the environment.</summary>
    public static readonly SettingKind Services = new(
        "a services object", "Write it as pipeline.json's \"services\" object: ./build.sh --help and the README show its keys.",
        value => ValueText.FirstForbidden(value, ValueText.IsForbidden) ?? ServicesSetting.Problem(value)) { TakesJson = true };

    /// <summary>A command as argv: a JSON list of strings, or words separated by spaces (no quoting: use the list for that).</summary>
    public static readonly SettingKind Argv = new(
        "a command", "Give the command as a JSON list of strings, e.g. [\"npm\", \"test\"], or as words separated by spaces.",
        value => ValueText.FirstForbidden(value, ValueText.IsForbidden) ?? CommandLineSetting.Problem(value)) { TakesJson = true };

    public static readonly SettingKind TestReport = SettingKind.Line(
        "a test report source", "Use node (node's test runner output) or junit:/absolute/path/in/the/container.xml.",
        value => Build.TestReportSource.Problem(value));

    public static readonly SettingKind HttpPath = SettingKind.Line(
        "an HTTP path", "Give the path of the endpoint, starting with /, e.g. /healthcheck.",
        value => !value.StartsWith('/') ? "it does not start with /"
            : SettingKind.FirstOutside(value, c => char.IsAsciiLetterOrDigit(c) || "/-._~%!$&'()*+,;=:@?".Contains(c)));

    /// <summary>A Dockerfile ARG name, as the build passes it.</summary>
    public static readonly SettingKind BuildArgName = SettingKind.Line(
        "a build arg name", "Use the ARG's name as the Dockerfile declares it: letters, digits and _, not starting with a digit.",
        value => SettingKind.FirstOutside(value, c => char.IsAsciiLetterOrDigit(c) || c == '_')
                 ?? (char.IsAsciiDigit(value[0]) ? "it starts with a digit" : null));

    private static string? DockerName(string value, int maxLength) =>
        SettingKind.FirstOutside(value, c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')
        ?? (!char.IsAsciiLetterOrDigit(value[0]) ? $"it starts with {ValueText.Describe(value[0])}" : null)
        ?? (value.Length > maxLength ? $"it is {value.Length} characters long (at most {maxLength})" : null);

    private static string? TagProblem(string value, int maxLength) =>
        SettingKind.FirstOutside(value, c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')
        ?? (value[0] is '.' or '-' ? $"it starts with {ValueText.Describe(value[0])}" : null)
        ?? (value.Length > maxLength ? $"it is {value.Length} characters long (at most {maxLength})" : null)
        ?? (value.Contains("..") ? "it holds '..'" : null);

    private static string? BranchProblem(string value) =>
        CiBranch.IsPlain(value) ? null
            : SettingKind.FirstOutside(value, c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '/')
              ?? "it is not a plain branch name (it starts with a separator, holds '..' or '//', or ends with '/', '.' or .lock)";

    [GeneratedRegex(@"^[0-9]+(ms|s|m)\z")]
    private static partial Regex DurationPattern();
}
