using Renci.SshNet;

namespace Pipeline.Staging;

/// <summary>
/// Opens one authenticated SSH.NET connection: the run's key, the host key checked against the pinned known_hosts
/// lines, keep-alives, and the --ssh-timeout bound on the whole of it (TCP connect, handshake, login).
/// </summary>
public sealed class SshConnector(StagingIdentity identity, KnownHostsMatcher knownHosts, TimeSpan connectTimeout)
{
    // Traffic on an idle connection between a deploy's steps (a 60 s health wait, say), so NAT and firewall state
    // does not expire; a dead peer then fails the next command's write instead of hanging until its timeout.
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(5);

    private const string CertificateSuffix = "-cert-v01@openssh.com";

    public KnownHostsMatcher KnownHosts => knownHosts;

    public TimeSpan ConnectTimeout => connectTimeout;

    public string KeyOrigin => identity.Origin;

    /// <param name="who">How errors name the endpoint, e.g. "Staging host web-1 (root@10.0.0.5:22)".</param>
    /// <param name="dial">Where the TCP connection really goes (a jump host's tunnel), when not the endpoint itself.</param>
    public async Task<SshClient> ConnectAsync(SshEndpoint endpoint, string who, SshDial? dial, CancellationToken cancellation)
    {
        var (address, port) = dial is null ? (endpoint.Address, endpoint.Port) : (dial.Address, dial.Port);
        var info = new ConnectionInfo(address, port, endpoint.User, new PrivateKeyAuthenticationMethod(endpoint.User, [.. identity.Keys]))
        {
            Timeout = connectTimeout,
        };
        PreferPinnedKeyTypes(info, knownHosts.KnownTypes(endpoint));
        var client = new SshClient(info) { KeepAliveInterval = KeepAliveInterval };
        var check = new HostKeyCheck(knownHosts, endpoint);
        client.HostKeyReceived += check.OnHostKeyReceived;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(connectTimeout);
        try
        {
            // SSH.NET's own timeout covers each wait inside the connect; the deadline bounds the sum.
            await client.ConnectAsync(deadline.Token).WaitAsync(deadline.Token);
            return client;
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested && ConnectFailure.IsConnectError(e))
        {
            client.Dispose();
            throw ConnectFailure.Explain(e, check, who, this, dial);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// SSH.NET asks for the first host key algorithm of its list the host offers, and a host with several keys
    /// would then show one that known_hosts may not pin (OpenSSH orders by known_hosts too). Host certificates
    /// are not supported, so their algorithms go; so does ssh-rsa, the SHA-1 signature OpenSSH 8.8 dropped.
    /// </summary>
    private static void PreferPinnedKeyTypes(ConnectionInfo info, IReadOnlyList<string> pinned)
    {
        foreach (var name in info.HostKeyAlgorithms.Keys.Where(n => n.EndsWith(CertificateSuffix, StringComparison.Ordinal) || n == "ssh-rsa").ToList())
            info.HostKeyAlgorithms.Remove(name);
        var wanted = pinned.SelectMany(t => t == "ssh-rsa" ? new[] { "rsa-sha2-512", "rsa-sha2-256" } : [t])
            .Where(info.HostKeyAlgorithms.ContainsKey).ToList();
        for (var i = 0; i < wanted.Count; i++) info.HostKeyAlgorithms.SetPosition(wanted[i], i);
    }
}

/// <summary>A TCP destination other than the endpoint: the local end of a tunnel through the jump host.</summary>
public sealed record SshDial(string Address, int Port, string Via);
