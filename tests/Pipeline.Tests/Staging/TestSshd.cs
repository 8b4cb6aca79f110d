using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Pipeline.Staging;

namespace Pipeline.Tests.Staging;

/// <summary>
/// A throwaway sshd of a test's own (never the sandbox's shared ones): its own host keys, authorized_keys holding
/// the tests' client key (and any others given), a free loopback port, LogLevel DEBUG1 to a log file. Killed, with
/// its sessions, on dispose. It runs as root like the sandbox's hosts, so what holds for them (sshd refuses SSH
/// signals to root sessions) holds here too.
/// </summary>
public sealed class TestSshd : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly string _config;
    private TcpListener? _bridge;

    private TestSshd(string root, string config, int port, IReadOnlyDictionary<string, string> hostKeys)
    {
        Root = root;
        _config = config;
        Port = port;
        HostKeys = hostKeys;
    }

    public string Root { get; }

    public int Port { get; private set; }

    public string LogFile => Path.Combine(Root, "sshd.log");

    /// <summary>Host key type (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa) to "type base64", as a known_hosts line ends.</summary>
    public IReadOnlyDictionary<string, string> HostKeys { get; }

    /// <summary>The pid of the listening sshd: an isolated one's network namespace is /proc/pid/ns/net.</summary>
    public int Pid => _processes[0].Id;

    public string KnownHostsLine(string type = "ssh-ed25519", string? name = null) => $"{name ?? $"[127.0.0.1]:{Port}"} {HostKeys[type]}";

    public StagingHost Host(string name = "own-1") => new(name, "root", "127.0.0.1", Port, "127.0.0.1", 3999);

    public SshEndpoint Endpoint => new("root", "127.0.0.1", Port);

    public string Log() => File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";

    /// <param name="hostKeyTypes">ssh-keygen -t values: ed25519, ecdsa, rsa.</param>
    /// <param name="isolated">
    /// Listen on 127.0.0.1:22 of a network namespace of its own (unshare --net), which nothing outside it reaches.
    /// </param>
    /// <param name="jumpInto">
    /// Be a jump host into that isolated sshd's namespace: every connection to <see cref="Port"/> (on this machine's
    /// loopback) is handed to "sshd -i" started inside the namespace, so its forwardings reach what only it reaches.
    /// </param>
    public static async Task<TestSshd> StartAsync(
        string[]? hostKeyTypes = null, bool isolated = false, TestSshd? jumpInto = null, IEnumerable<string>? authorize = null, string extraConfig = "")
    {
        var root = Directory.CreateTempSubdirectory("test-sshd-").FullName;
        var types = hostKeyTypes ?? ["ed25519"];
        var keys = new Dictionary<string, string>();
        foreach (var type in types)
        {
            var fields = (await File.ReadAllTextAsync(await SshKeys.GenerateAsync(root, "host_" + type, type) + ".pub")).Split(' ');
            keys[fields[0]] = fields[0] + " " + fields[1];
        }
        var authorized = new List<string> { await SshKeys.SharedClientAsync() };
        authorized.AddRange(authorize ?? []);
        await File.WriteAllLinesAsync(Path.Combine(root, "authorized_keys"), authorized.Select(k => File.ReadAllText(k + ".pub").Trim()));
        var port = isolated ? 22 : FreePort();
        var config = Path.Combine(root, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            Port {port}
            ListenAddress 127.0.0.1
            {string.Join("\n", types.Select(t => $"HostKey {root}/host_{t}"))}
            PidFile none
            AuthorizedKeysFile {root}/authorized_keys
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            UsePAM no
            StrictModes no
            LogLevel DEBUG1
            MaxSessions 32
            {extraConfig}
            """);
        var sshd = new TestSshd(root, config, port, keys);
        Directory.CreateDirectory("/run/sshd");
        if (jumpInto is not null)
        {
            sshd.BridgeInto(jumpInto);
            return sshd;
        }
        sshd._processes.Add(isolated
            ? Start("unshare", "--net", "--", "sh", "-c", $"ip link set lo up && exec /usr/sbin/sshd -D -f {config} -E {sshd.LogFile}")
            : Start("/usr/sbin/sshd", "-D", "-f", config, "-E", sshd.LogFile));
        await sshd.WaitListeningAsync(isolated);
        return sshd;
    }

    private void BridgeInto(TestSshd inner)
    {
        var listener = _bridge = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
                var session = Start("nsenter", $"--net=/proc/{inner.Pid}/ns/net", "/usr/sbin/sshd", "-i", "-f", _config, "-E", LogFile);
                lock (_processes) _processes.Add(session);
                var stream = client.GetStream();
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await stream.CopyToAsync(session.StandardInput.BaseStream);
                        session.StandardInput.Close();
                    }
                    catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
                    {
                    }
                });
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await session.StandardOutput.BaseStream.CopyToAsync(stream);
                    }
                    catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
                    {
                    }
                    client.Dispose();
                });
            }
        });
    }

    private static Process Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return Process.Start(start)!;
    }

    private async Task WaitListeningAsync(bool isolated)
    {
        for (var i = 0; i < 100 && !_processes[0].HasExited; i++)
        {
            if (isolated ? Log().Contains("Server listening on 127.0.0.1 port 22") : await AcceptsAsync(Port)) return;
            await Task.Delay(50);
        }
        var log = Log();
        await DisposeAsync();
        throw new InvalidOperationException($"the test sshd did not start listening:\n{log}");
    }

    public static async Task<bool> AcceptsAsync(int port)
    {
        using var probe = new TcpClient();
        try
        {
            await probe.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _bridge?.Stop();
        List<Process> processes;
        lock (_processes) processes = [.. _processes];
        foreach (var process in processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                // Gone already.
            }
            process.Dispose();
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
