using System.Diagnostics;
using System.Net.Sockets;
using Pipeline.Docker;

namespace Pipeline.Tests.Docker;

/// <summary>
/// The local engine behind a real TLS listener, as a remote engine with DOCKER_TLS_VERIFY is: socat (OpenSSL, not
/// .NET) terminates TLS on a loopback port, demands a client certificate signed by the test CA, and forwards to the
/// engine's unix socket. Certificates are made with the openssl CLI, as the docker docs make them: a CA, a server
/// certificate for IP 127.0.0.1, a client certificate, and a second CA with a client certificate of its own.
/// It fails, never skips, when socat or openssl is missing.
/// </summary>
public sealed class TlsEngine : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-docker-tls-").FullName;
    private Process? _socat;

    public int Port { get; } = FakeEngine.FreeLoopbackPort();

    public string DockerHost => $"tcp://127.0.0.1:{Port}";

    /// <summary>ca.pem, cert.pem, key.pem as the docker CLI expects them: the engine's CA and a client it trusts.</summary>
    public string Trusted => Path.Combine(_directory, "trusted");

    /// <summary>A CA the engine's certificate does not chain to (with the trusted client certificate).</summary>
    public string WrongCa => Path.Combine(_directory, "wrong-ca");

    /// <summary>The engine's CA, but a client certificate signed by another CA, which the engine refuses.</summary>
    public string StrangerClient => Path.Combine(_directory, "stranger-client");

    public async ValueTask InitializeAsync()
    {
        foreach (var tool in new[] { "socat", "openssl" })
        {
            if (!OnPath(tool))
            {
                throw new InvalidOperationException(
                    $"The Docker TLS tests need {tool} (test.sh installs it; else apt-get install -y {tool}). These tests do not skip.");
            }
        }
        var socket = DockerEndpoint.FromEnvironment() is { Transport: DockerTransport.UnixSocket } local
            ? local.Address
            : throw new InvalidOperationException("The TLS tests put TLS in front of a local engine's unix socket; DOCKER_HOST is not one.");
        await MakeCertificatesAsync(_directory, CancellationToken.None);
        _socat = Process.Start(new ProcessStartInfo("socat")
        {
            ArgumentList =
            {
                $"OPENSSL-LISTEN:{Port},bind=127.0.0.1,reuseaddr,fork,cert={_directory}/server-cert.pem," +
                $"key={_directory}/server-key.pem,cafile={_directory}/ca.pem,verify=1",
                $"UNIX-CONNECT:{socket}",
            },
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        await WaitListeningAsync(_socat, CancellationToken.None);
    }

    private static async Task MakeCertificatesAsync(string directory, CancellationToken cancellation)
    {
        async Task OpenSsl(params string[] arguments) => await RunAsync(directory, "openssl", arguments, cancellation);
        async Task Ca(string name) =>
            await OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", $"/CN={name}",
                "-keyout", $"{name}-key.pem", "-out", $"{name}.pem");
        async Task Signed(string name, string subject, string ca, string extensions)
        {
            await OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-subj", $"/CN={subject}",
                "-keyout", $"{name}-key.pem", "-out", $"{name}.csr");
            await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.ext"), extensions, cancellation);
            await OpenSsl("x509", "-req", "-in", $"{name}.csr", "-CA", $"{ca}.pem", "-CAkey", $"{ca}-key.pem",
                "-CAcreateserial", "-days", "1", "-extfile", $"{name}.ext", "-out", $"{name}-cert.pem");
        }

        await Ca("ca");
        await Ca("other-ca");
        await Signed("server", "127.0.0.1", "ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        await Signed("client", "pipeline-tests", "ca", "extendedKeyUsage=clientAuth\n");
        await Signed("stranger", "pipeline-stranger", "other-ca", "extendedKeyUsage=clientAuth\n");

        void Layout(string name, string ca, string client)
        {
            var target = Directory.CreateDirectory(Path.Combine(directory, name)).FullName;
            File.Copy(Path.Combine(directory, $"{ca}.pem"), Path.Combine(target, "ca.pem"));
            File.Copy(Path.Combine(directory, $"{client}-cert.pem"), Path.Combine(target, "cert.pem"));
            File.Copy(Path.Combine(directory, $"{client}-key.pem"), Path.Combine(target, "key.pem"));
        }
        Layout("trusted", "ca", "client");
        Layout("wrong-ca", "other-ca", "client");
        Layout("stranger-client", "ca", "stranger");
    }

    private async Task WaitListeningAsync(Process socat, CancellationToken cancellation)
    {
        // Bounded: socat binds within milliseconds; a socat that died says why on stderr.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (socat.HasExited)
                throw new InvalidOperationException($"socat exited: {await socat.StandardError.ReadToEndAsync(cancellation)}");
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync("127.0.0.1", Port, cancellation);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellation);
            }
        }
        throw new InvalidOperationException($"socat did not listen on 127.0.0.1:{Port} within 5 s");
    }

    private static async Task RunAsync(string directory, string program, string[] arguments, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(cancellation);
        await process.StandardOutput.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed: {await error}");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(directory => directory.Length > 0 && File.Exists(Path.Combine(directory, tool)));

    public async ValueTask DisposeAsync()
    {
        if (_socat is not null)
        {
            // socat forks a child per connection; they go with it.
            if (!_socat.HasExited) _socat.Kill(entireProcessTree: true);
            await _socat.WaitForExitAsync();
            _socat.Dispose();
        }
        Directory.Delete(_directory, recursive: true);
    }
}
