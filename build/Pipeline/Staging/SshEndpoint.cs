using System.Text.RegularExpressions;
using Pipeline.Config;

namespace Pipeline.Staging;

/// <summary>
/// Where one SSH connection goes: a staging host, or the jump host (--staging-jump) the hosts are reached through.
/// </summary>
public sealed partial record SshEndpoint(string User, string Address, int Port)
{
    public const string JumpSyntax = "[user@]host[:port]";

    public static SshEndpoint Of(StagingHost host) => new(host.User, host.Address, host.SshPort);

    /// <summary>
    /// The name known_hosts files hold for this endpoint, as OpenSSH writes and looks it up: the bare address on
    /// port 22, "[address]:port" on any other, lower case.
    /// </summary>
    public string KnownHostsName => Port == 22 ? Address.ToLowerInvariant() : $"[{Address.ToLowerInvariant()}]:{Port}";

    public override string ToString() => $"{User}@{Address}:{Port}";

    /// <summary>
    /// Parses --staging-jump. The user defaults to root, as for the hosts in STAGING_HOSTS (not the local user, as
    /// OpenSSH would: a CI runner's user rarely exists on the bastion).
    /// </summary>
    public static SshEndpoint ParseJump(string spec, string origin)
    {
        var match = JumpSpec().Match(spec.Trim());
        var port = 22;
        if (!match.Success || (match.Groups["port"].Success && !(int.TryParse(match.Groups["port"].Value, out port) && port is > 0 and < 65536)))
            throw new PipelineException(
                $"{origin} is not a jump host of the form {JumpSyntax}",
                $"Write it as e.g. deploy@bastion.example.com:22 ({PipelineParameters.StagingJump.CliName} / {PipelineParameters.StagingJump.EnvVar}).");
        return new SshEndpoint(match.Groups["user"].Success ? match.Groups["user"].Value : "root", match.Groups["address"].Value, port);
    }

    // The same characters StagingHost allows: nothing here ever needs quoting in a message or a log line.
    [GeneratedRegex(@"^(?:(?<user>[a-z_][a-z0-9_.-]*)@)?(?<address>[A-Za-z0-9][A-Za-z0-9.-]*)(?::(?<port>[0-9]{1,5}))?\z")]
    private static partial Regex JumpSpec();
}
