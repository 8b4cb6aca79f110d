using System.Text.RegularExpressions;

namespace Pipeline.Staging;

/// <summary>
/// One staging host: how to reach it over SSH, and where its app answers (the port the load balancer targets,
/// published by the host's proxy). <see cref="EnvFile"/> overrides the shared env file for this host only.
/// </summary>
public sealed partial record StagingHost(
    string Name, string User, string Address, int SshPort, string PublishAddress, int AppPort, string? EnvFile = null)
{
    public const string SpecSyntax = "[name=][user@]address[:sshport][/[bind:]appport]";

    public string SshTarget => $"{User}@{Address}:{SshPort}";

    /// <summary>The docker -p value of the proxy: bind address and host port.</summary>
    public string Publish => PublishAddress.Length == 0 ? AppPort.ToString() : $"{PublishAddress}:{AppPort}";

    public override string ToString() => $"{Name} ({SshTarget}, app port {Publish})";

    /// <summary>
    /// Parses one STAGING_HOSTS entry, e.g. "root@10.0.0.5", "web-1=deploy@10.0.0.5:2222/3001" or
    /// "staging-1=root@127.0.0.1:2222/127.0.0.1:3001". The name is what the hooks get as {host} (the address
    /// when none is given); the app port defaults to <paramref name="defaultAppPort"/> on every interface.
    /// </summary>
    public static StagingHost Parse(string spec, int defaultAppPort, string origin)
    {
        var match = Spec().Match(spec.Trim());
        if (!match.Success)
            throw Invalid(spec, origin, "expected " + SpecSyntax);
        var address = match.Groups["address"].Value;
        var sshPort = match.Groups["ssh"].Success ? Port(match.Groups["ssh"].Value, spec, origin) : 22;
        var appPort = match.Groups["app"].Success ? Port(match.Groups["app"].Value, spec, origin) : defaultAppPort;
        return new StagingHost(
            match.Groups["name"].Success ? match.Groups["name"].Value : address,
            match.Groups["user"].Success ? match.Groups["user"].Value : "root",
            address,
            sshPort,
            match.Groups["bind"].Success ? match.Groups["bind"].Value : "",
            appPort);
    }

    /// <summary>True when <paramref name="spec"/> has the form of <see cref="SpecSyntax"/> (ports are checked by Parse).</summary>
    public static bool IsSpec(string spec) => Spec().IsMatch(spec.Trim());

    public static IReadOnlyList<StagingHost> ParseList(IEnumerable<string> specs, int defaultAppPort, string origin)
    {
        var hosts = specs.Select(s => Parse(s, defaultAppPort, origin)).ToList();
        var duplicate = hosts.GroupBy(h => h.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw Invalid(duplicate.Key, origin, "the same host name appears twice");
        return hosts;
    }

    private static int Port(string text, string spec, string origin) =>
        int.TryParse(text, out var port) && port is > 0 and < 65536 ? port : throw Invalid(spec, origin, $"'{text}' is not a port");

    private static PipelineException Invalid(string spec, string origin, string why) =>
        new($"{origin}: '{spec}' is not a valid staging host ({why})",
            $"Write each host as {SpecSyntax}, comma-separated, e.g. web-1=deploy@10.0.0.5:22/3001.");

    // Names, users and addresses are restricted to characters that need no quoting anywhere (ssh, hooks, logs).
    [GeneratedRegex(@"^(?:(?<name>[A-Za-z0-9][A-Za-z0-9_.-]*)=)?(?:(?<user>[a-z_][a-z0-9_.-]*)@)?(?<address>[A-Za-z0-9][A-Za-z0-9.-]*)(?::(?<ssh>[0-9]+))?(?:/(?:(?<bind>[0-9.]+):)?(?<app>[0-9]+))?\z")]
    private static partial Regex Spec();
}
