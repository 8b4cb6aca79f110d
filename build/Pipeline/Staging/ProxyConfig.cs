using System.Globalization;

namespace Pipeline.Staging;

/// <summary>
/// The per-host proxy's nginx config: everything on the host's app port goes to the one active app container,
/// by name on the docker network. The first line records which container that is, so the next deploy can read it.
/// </summary>
public static class ProxyConfig
{
    public const string ActiveMarker = "# active: ";

    public static string Render(string activeContainer, int appPort) =>
        $$"""
        {{ActiveMarker}}{{activeContainer}}
        # Written by the pipeline's DeployStaging; the next deploy or Rollback replaces it.
        server {
            listen 80 default_server;
            # Docker's embedded DNS, asked again every few seconds: a restarted container keeps its name, not its address.
            resolver 127.0.0.11 valid=5s ipv6=off;
            location / {
                set $app http://{{activeContainer}}:{{appPort.ToString(CultureInfo.InvariantCulture)}};
                proxy_pass $app;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_connect_timeout 2s;
                add_header X-Staging-Container {{activeContainer}} always;
            }
        }

        """;
}
