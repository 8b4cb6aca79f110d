using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet.X509;

namespace Pipeline.Docker;

/// <summary>
/// TLS to a remote engine as DOCKER_TLS_VERIFY means it: the engine's certificate must chain to ca.pem and name the
/// host in DOCKER_HOST, and this client shows cert.pem/key.pem. The library's own CA check skips the host name,
/// so the check is ours; it remembers why it refused, for the error message.
/// </summary>
internal sealed class EngineTls
{
    private readonly X509Certificate2 _authority;

    private EngineTls(X509Certificate2 authority, X509Certificate2 client)
    {
        _authority = authority;
        Credentials = new CertificateCredentials(client) { ServerCertificateValidationCallback = Check };
    }

    public CertificateCredentials Credentials { get; }

    /// <summary>Why the last engine certificate was refused; null while none was.</summary>
    public string? Refusal { get; private set; }

    public static EngineTls Load(string certPath)
    {
        string File(string name) => Path.Combine(certPath, name);
        var missing = new[] { "ca.pem", "cert.pem", "key.pem" }.Where(name => !System.IO.File.Exists(File(name))).ToList();
        if (missing.Count > 0)
        {
            throw new PipelineException(
                $"DOCKER_TLS_VERIFY is set, but {string.Join(", ", missing)} is missing in {certPath}",
                "Point DOCKER_CERT_PATH at the directory with the engine's ca.pem and this client's cert.pem and key.pem " +
                "(the docker CLI's layout), or unset DOCKER_TLS_VERIFY for a plain tcp:// engine.");
        }
        try
        {
            return new EngineTls(
                DockerTlsCertificates.LoadCertificateAuthorityFromPemFile(File("ca.pem")),
                DockerTlsCertificates.LoadCertificateFromPemFiles(File("cert.pem"), File("key.pem")));
        }
        catch (Exception failure) when (failure is CryptographicException or ArgumentException)
        {
            throw new PipelineException($"The TLS certificates in {certPath} cannot be read",
                "ca.pem, cert.pem and key.pem must be PEM files, the key unencrypted and matching cert.pem.",
                failure.Message, failure);
        }
    }

    private bool Check(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        Refusal = Reason(certificate, errors);
        return Refusal is null;
    }

    private string? Reason(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null) return "the engine showed no certificate";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return "its certificate does not name the host in DOCKER_HOST";
        using var engine = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var ours = new X509Chain();
        ours.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        ours.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        ours.ChainPolicy.CustomTrustStore.Add(_authority);
        if (ours.Build(engine)) return null;
        var status = string.Join("; ", ours.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return $"its certificate ({engine.Subject}) is not signed by the CA in ca.pem ({_authority.Subject}){(status.Length > 0 ? ": " + status : "")}";
    }
}
