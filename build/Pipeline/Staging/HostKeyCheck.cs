using Renci.SshNet.Common;

namespace Pipeline.Staging;

/// <summary>
/// The host key check of one connection attempt, done in SSH.NET's HostKeyReceived: only a key the known_hosts
/// lines pin for this endpoint is trusted. The verdict is kept so a refused connection can say why, with the
/// fingerprint the host showed and what to do.
/// </summary>
public sealed class HostKeyCheck(KnownHostsMatcher knownHosts, SshEndpoint endpoint)
{
    public HostKeyVerdict? Verdict { get; private set; }

    public void OnHostKeyReceived(object? sender, HostKeyEventArgs e)
    {
        Verdict = knownHosts.Check(endpoint, e.HostKey);
        e.CanTrust = Verdict.Outcome == HostKeyOutcome.Trusted;
    }

    /// <summary>The error for a refused key; <paramref name="who"/> names the host, e.g. "Staging host web-1 (root@10.0.0.5:22)".</summary>
    public PipelineException Refusal(string who)
    {
        var v = Verdict ?? throw new InvalidOperationException("no host key was received");
        var lines = v.Lines.Count == 1 ? $"line {v.Lines[0]}" : $"lines {string.Join(", ", v.Lines)}";
        var keyscan = $"ssh-keyscan -p {endpoint.Port} {endpoint.Address}";
        var check = $"check its fingerprint on the host itself (ssh-keygen -lf /etc/ssh/ssh_host_{ShortType(v.KeyType)}_key.pub)";
        var skipped = knownHosts.Skipped.Count == 0 ? "" : $"\nnot read (not host key lines): line(s) {string.Join(", ", knownHosts.Skipped)} of {knownHosts.Origin}";
        var detail = $"host key shown: {v.KeyType} {v.Fingerprint}, looked up as {v.Host}" +
            (v.KnownTypes.Count > 0 ? $"; pinned for it: {string.Join(", ", v.KnownTypes)}" : "") + skipped;
        return v.Outcome switch
        {
            HostKeyOutcome.Revoked => new PipelineException(
                $"{who} refused: its host key {v.Fingerprint} is revoked (@revoked, {lines} of {knownHosts.Origin})",
                "Never remove the @revoked line to get through: the host needs a new host key, pinned in place of the old one.",
                detail),
            HostKeyOutcome.Changed => new PipelineException(
                $"{who} refused: its host key {v.Fingerprint} is not the {v.KeyType} key {knownHosts.Origin} pins for {v.Host} ({lines})",
                $"The host was reinstalled, or someone is in between. Only if you know it was reinstalled: {check}, then replace {lines}; never turn checking off.",
                detail),
            HostKeyOutcome.CertificateOnly => new PipelineException(
                $"{who} refused: {knownHosts.Origin} names it only on @cert-authority {lines}, and host certificates are not supported",
                $"Pin the host's own key instead: {keyscan} prints it; {check}, then add that line.",
                detail),
            _ => new PipelineException(
                $"{who} refused: its host key {v.Fingerprint} ({v.KeyType}) is not in {knownHosts.Origin}",
                $"If the host is really yours: {keyscan} prints its key line; {check}, then add that line; never turn checking off.",
                detail),
        };
    }

    private static string ShortType(string keyType) => keyType switch
    {
        "ssh-ed25519" => "ed25519",
        "ssh-rsa" => "rsa",
        _ when keyType.StartsWith("ecdsa-", StringComparison.Ordinal) => "ecdsa",
        _ => "*",
    };
}
