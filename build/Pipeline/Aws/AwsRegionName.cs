using System.Text.RegularExpressions;
using Pipeline.Config;

namespace Pipeline.Aws;

/// <summary>
/// The grammar of an AWS region name. The region becomes part of the service host names
/// (api.ecr.REGION.amazonaws.com), which receive signed requests and the session token, so a value such as
/// "us-east-1.attacker.example/x?" would send them elsewhere: nothing but a region name is ever accepted.
/// </summary>
public static partial class AwsRegionName
{
    public const string Noun = "an AWS region";

    public const string Fix =
        "Use a region name such as us-east-1, eu-west-2 or us-gov-west-1: it becomes part of the AWS host names, so nothing else is accepted.";

    /// <summary>What is wrong with the name, without repeating it; null for a region name.</summary>
    public static string? Problem(string region) =>
        Pattern().IsMatch(region) ? null
            : SettingKind.FirstOutside(region, c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
              ?? "it does not have the form of a region name (two letters, a direction and a number, e.g. eu-west-2)";

    /// <summary>The region, or an error naming where it came from.</summary>
    public static string Require(string region, string source) =>
        Problem(region) is { } problem ? throw new PipelineException($"{source} is not {Noun}: {problem}", Fix) : region;

    // Partitions: aws (us-east-1), aws-cn (cn-north-1), aws-us-gov (us-gov-west-1), the iso partitions
    // (us-iso-east-1, us-isob-east-1, eu-isoe-west-1). [0-9], not \d: .NET's \d takes any Unicode digit.
    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]{1,2}\z")]
    private static partial Regex Pattern();
}
