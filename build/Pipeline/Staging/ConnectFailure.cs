using System.Net.Sockets;
using Pipeline.Config;
using Renci.SshNet.Common;

namespace Pipeline.Staging;

/// <summary>
/// A failed SSH connect, told apart by SSH.NET's exception types (no message text is matched) and said as what
/// failed and how to fix it: host key refused, key refused, connection refused, no answer in time.
/// </summary>
public static class ConnectFailure
{
    public static bool IsConnectError(Exception e) =>
        e is SshException or SocketException or OperationCanceledException or TimeoutException or ProxyException;

    public static PipelineException Explain(Exception e, HostKeyCheck check, string who, SshConnector connector, SshDial? dial)
    {
        var seconds = $"{connector.ConnectTimeout.TotalSeconds:0} s";
        var timeoutFix = $"{PipelineParameters.SshTimeout.CliName} / {PipelineParameters.SshTimeout.EnvVar} sets the wait.";
        if (check.Verdict is { Outcome: not HostKeyOutcome.Trusted })
            return check.Refusal(who);
        return e switch
        {
            SshAuthenticationException => new PipelineException(
                $"{who} did not accept the key",
                $"Check the key ({connector.KeyOrigin}) and the user: the host's ~/.ssh/authorized_keys for that user must hold its public key (ssh-keygen -y -f <key> prints it).",
                e.Message, e),
            SshOperationTimeoutException or OperationCanceledException or TimeoutException or SocketException { SocketErrorCode: SocketError.TimedOut } =>
                new PipelineException(
                    $"{who} did not answer within {seconds}",
                    $"Check the address and SSH port, that sshd runs there and that no firewall drops the connection; {timeoutFix}",
                    e.Message, e),
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => new PipelineException(
                $"{who} is unreachable: the connection was refused",
                "Check the address and SSH port, and that sshd runs there.",
                e.Message, e),
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData } => new PipelineException(
                $"{who} is unreachable: its address does not resolve",
                "Check the address (a typo, or a name only another network's DNS knows).",
                e.Message, e),
            SocketException => new PipelineException(
                $"{who} is unreachable",
                $"Check the address and SSH port, and the network route to it; {timeoutFix}",
                e.Message, e),
            SshConnectionException when dial is not null => new PipelineException(
                $"{who} could not be reached through the jump host {dial.Via}",
                "Check that the jump host reaches the host's address and SSH port (and that its sshd allows forwarding: AllowTcpForwarding); the jump host's sshd log says which.",
                e.Message, e),
            _ => new PipelineException(
                $"{who} ended the connection before the login",
                "Check that the port is the host's sshd, that it accepts connections (MaxStartups, AllowUsers) and has an ed25519, ECDSA or RSA host key; its log says which.",
                e.Message, e),
        };
    }
}
