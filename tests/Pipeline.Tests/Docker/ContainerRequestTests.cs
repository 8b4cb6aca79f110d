using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

public sealed class ContainerRequestTests
{
    [Fact]
    public void Create_body_has_the_engine_shapes_for_ports_healthcheck_env_and_aliases()
    {
        var request = ContainerOperations.CreateRequest(new ContainerCreateRequest("127.0.0.1:5000/sandbox/mariadb:10.11")
        {
            Name = "deps-mysql-r1",
            Environment = new Dictionary<string, string> { ["MYSQL_ALLOW_EMPTY_PASSWORD"] = "yes" },
            Labels = new Dictionary<string, string> { ["pipeline.run"] = "r1" },
            Network = "deps-r1",
            NetworkAliases = ["mysql"],
            Ports = [new PortBinding(3306, 13306)],
            Healthcheck = new HealthcheckSpec("mariadb-admin ping", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 30)
            {
                StartPeriod = TimeSpan.FromSeconds(5),
            },
        });
        Assert.Equal("POST /v1.41/containers/create?name=deps-mysql-r1", request.ToString());

        using var body = JsonDocument.Parse(JsonSerializer.Serialize(request.JsonBody));
        var root = body.RootElement;
        Assert.Equal("MYSQL_ALLOW_EMPTY_PASSWORD=yes", root.GetProperty("Env")[0].GetString());
        Assert.Equal("r1", root.GetProperty("Labels").GetProperty("pipeline.run").GetString());
        Assert.True(root.GetProperty("ExposedPorts").TryGetProperty("3306/tcp", out _));
        var binding = root.GetProperty("HostConfig").GetProperty("PortBindings").GetProperty("3306/tcp")[0];
        Assert.Equal("127.0.0.1", binding.GetProperty("HostIp").GetString());
        Assert.Equal("13306", binding.GetProperty("HostPort").GetString());
        Assert.Equal("deps-r1", root.GetProperty("HostConfig").GetProperty("NetworkMode").GetString());
        Assert.Equal("mysql", root.GetProperty("NetworkingConfig").GetProperty("EndpointsConfig")
            .GetProperty("deps-r1").GetProperty("Aliases")[0].GetString());
        var health = root.GetProperty("Healthcheck");
        Assert.Equal(["CMD-SHELL", "mariadb-admin ping"], health.GetProperty("Test").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2_000_000_000L, health.GetProperty("Interval").GetInt64());
        Assert.Equal(5_000_000_000L, health.GetProperty("StartPeriod").GetInt64());
        Assert.Equal(30, health.GetProperty("Retries").GetInt32());
    }

    [Fact]
    public void Network_create_asks_the_engine_to_refuse_duplicates()
    {
        var request = NetworkOperations.CreateRequest("deps-r1", new Dictionary<string, string> { ["pipeline.run"] = "r1" });
        using var body = JsonDocument.Parse(JsonSerializer.Serialize(request.JsonBody));
        Assert.True(body.RootElement.GetProperty("CheckDuplicate").GetBoolean());
        Assert.Equal("bridge", body.RootElement.GetProperty("Driver").GetString());
    }

    [Fact]
    public async Task Multiplexed_output_is_split_into_stdout_and_stderr_even_mid_character()
    {
        var euro = Encoding.UTF8.GetBytes("€");
        using var stream = new MemoryStream([
            .. Frame(1, "price: "u8.ToArray()), .. Frame(1, euro[..1]), .. Frame(2, "warn\n"u8.ToArray()),
            .. Frame(1, [.. euro[1..], .. "5\n"u8.ToArray()]),
        ]);
        var logs = await MultiplexedStream.ReadAllAsync(stream, onData: null, TestContext.Current.CancellationToken);
        Assert.Equal(new ContainerLogs("price: €5\n", "warn\n"), logs);
    }

    [Fact]
    public async Task Truncated_frame_is_an_error_not_silent_loss()
    {
        using var stream = new MemoryStream(Frame(1, "hello"u8.ToArray())[..9]);
        await Assert.ThrowsAsync<IOException>(() =>
            MultiplexedStream.ReadAllAsync(stream, onData: null, TestContext.Current.CancellationToken));
    }

    private static byte[] Frame(byte kind, byte[] payload)
    {
        var frame = new byte[8 + payload.Length];
        frame[0] = kind;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }
}
