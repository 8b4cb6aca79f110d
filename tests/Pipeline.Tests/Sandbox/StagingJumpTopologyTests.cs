using System.Net.Sockets;
using Pipeline.Staging;
using Pipeline.Tests.Staging;

namespace Pipeline.Tests.Sandbox;

/// <summary>
/// The sandbox's staging hosts sit behind staging-1 as behind a bastion: staging-2's sshd answers only inside the
/// hosts' network namespace, so the pipeline reaches it through the jump host or not at all.
/// </summary>
public sealed class StagingJumpTopologyTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Staging_2_refuses_a_direct_connection_and_answers_through_the_jump_host_as_itself()
    {
        var settings = StagingFixtures.SandboxSettings();
        Assert.NotNull(settings.Jump);
        var second = settings.Hosts.Single(h => h.Name == "staging-2");

        using (var probe = new TcpClient())
        {
            var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(second.Address, second.SshPort, Cancellation).AsTask());
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
        await using (var direct = new StagingConnections(settings with { Jump = null }))
        {
            var failure = await Assert.ThrowsAnyAsync<PipelineException>(() =>
                direct.For(second).RunCheckedAsync(RemoteCommand.Of("where am I", "sh", "-c", "echo $DOCKER_HOST"), Cancellation));
            Assert.Contains("staging-2", failure.Message);
        }

        await using var jumped = new StagingConnections(settings);
        var answer = await jumped.For(second).RunCheckedAsync(RemoteCommand.Of("where am I", "sh", "-c", "echo $DOCKER_HOST"), Cancellation);
        Assert.EndsWith("/staging-2/docker.sock", answer.Output.Trim());
    }
}
