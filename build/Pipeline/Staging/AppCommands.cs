using System.Globalization;
using Pipeline.Config;
using Pipeline.Docker;

namespace Pipeline.Staging;

/// <summary>
/// The remote commands of a staging deploy, built as values (Kamal's lib/kamal/commands in spirit). Scripts are
/// constants with their data as positional parameters; nothing is pasted into a command line.
/// </summary>
public sealed class AppCommands(StagingSettings settings)
{
    public const string AppLabel = "pipeline.staging.app";
    public const string VersionLabel = "pipeline.version";
    public const string RunIdLabel = "pipeline.deploy.run-id";
    public const string ProxyLabel = "pipeline.staging.proxy-for";

    private static readonly TimeSpan PullTimeout = TimeSpan.FromMinutes(10);

    public string ContainerFor(string version) => $"{settings.Container}-{version}";

    // The token reaches docker login on stdin and lands only in a temporary DOCKER_CONFIG, deleted when the
    // script ends however it ends: the host keeps no registry credentials. The app image is always pulled (a
    // moved tag is seen); the proxy image only when missing.
    private const string LoginAndPullScript =
        """
        set -e
        DOCKER_CONFIG=$(mktemp -d); export DOCKER_CONFIG
        trap 'rm -rf "$DOCKER_CONFIG"' EXIT
        trap 'exit 130' HUP INT TERM
        if [ -n "$1" ]; then docker login --username "$1" --password-stdin "$2" >/dev/null; fi
        docker pull --quiet "$3"
        docker image inspect "$4" >/dev/null 2>&1 || docker pull --quiet "$4"
        """;

    public RemoteCommand LoginAndPull(RegistryCredentials? login) =>
        login is null
            ? RemoteCommand.Script("pull", LoginAndPullScript, "", "", settings.Image, settings.ProxyImage).WithTimeout(PullTimeout)
            : RemoteCommand.Script("registry login and pull", LoginAndPullScript, login.Username, login.ServerAddress, settings.Image, settings.ProxyImage)
                .WithTimeout(PullTimeout).WithStdin(login.Password);

    /// <summary>
    /// Running containers that publish the host's app port (name and ports): anything but this app's own proxy
    /// there would make the proxy's start fail, after the pull and the health gate.
    /// </summary>
    public RemoteCommand AppPortHolders(StagingHost host) => RemoteCommand.Of(
        "find what publishes the app port", "docker", "ps", "--filter", "publish=" + host.AppPort.ToString(CultureInfo.InvariantCulture),
        "--format", "{{.Names}}|{{.Ports}}");

    /// <summary>The containers in the answer to <see cref="AppPortHolders"/> other than this app's own proxy.</summary>
    public IReadOnlyList<(string Name, string Ports)> OtherPortHolders(string answer) =>
        answer.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('|', 2))
            .Where(fields => fields[0] != settings.ProxyContainer)
            .Select(fields => (fields[0], fields.Length == 2 ? fields[1] : ""))
            .ToList();

    /// <summary>
    /// One round trip for what the host runs now: the app's containers (name, state, version) and the proxy's
    /// state and active container (the marker line of its config).
    /// </summary>
    private const string StateScript =
        """
        docker ps -a --filter "label=$1" --format '{{.Names}}|{{.State}}|{{.Label "pipeline.version"}}'
        echo '--proxy'
        docker inspect --format '{{.State.Status}}' "$2" 2>/dev/null || echo missing
        docker exec "$2" cat /etc/nginx/conf.d/default.conf 2>/dev/null | sed -n 's/^# active: //p'
        """;

    public RemoteCommand State() =>
        RemoteCommand.Script("read the host's containers", StateScript, $"{AppLabel}={settings.Container}", settings.ProxyContainer);

    /// <summary>Removes a stopped container left under the name the new one needs (a version deployed before).</summary>
    public RemoteCommand RemoveContainer(string name) => RemoteCommand.Of("remove container " + name, "docker", "rm", "--force", name);

    public RemoteCommand Run(StagingHost host, string version, string runId)
    {
        var argv = new List<string>
        {
            "docker", "run", "--detach",
            "--name", ContainerFor(version),
            "--network", settings.Network,
            "--env-file", settings.EnvFileFor(host),
            "--restart", "unless-stopped",
            "--log-driver", "json-file", "--log-opt", "max-size=10m", "--log-opt", "max-file=3",
            "--label", $"{AppLabel}={settings.Container}",
            "--label", $"{VersionLabel}={version}",
            "--label", $"{RunIdLabel}={runId}",
        };
        // The image's own interval (5 s) would make every host wait 5 s before its first probe.
        if (settings.HealthInterval is not null) argv.AddRange(["--health-interval", settings.HealthInterval]);
        argv.Add(settings.Image);
        return new RemoteCommand("start the new container", argv, RemoteCommand.DefaultTimeout) { HomePaths = [argv.IndexOf("--env-file") + 1] };
    }

    public RemoteCommand Start(string name) => RemoteCommand.Of("start the previous container", "docker", "start", name);

    // state|health|exit code|probe. While Docker still says "starting" (its first probe comes only after a whole
    // interval), the image's own health check is run once more right now, as Docker 25's --health-start-interval
    // does: "passed" or "failed", else "-". A host without `timeout` only loses the early probe.
    private const string HealthScript =
        """
        c=$1
        # One inspect: the state on the first line, then the health check's words, one per line.
        s=""
        set --
        while IFS= read -r line; do
          if [ -z "$s" ]; then s=$line; else set -- "$@" "$line"; fi
        done <<EOF
        $(docker inspect --format '{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}|{{.State.ExitCode}}{{println}}{{range .Config.Healthcheck.Test}}{{println .}}{{end}}' "$c")
        EOF
        [ -n "$s" ] || exit 1
        printf '%s' "$s"
        [ "${s%|*}" = "running|starting" ] || { echo '|-'; exit 0; }
        kind=$1; shift
        case "$kind" in
          CMD) timeout 10 docker exec "$c" "$@" >/dev/null 2>&1 ;;
          CMD-SHELL) timeout 10 docker exec "$c" /bin/sh -c "$1" >/dev/null 2>&1 ;;
          *) echo '|-'; exit 0 ;;
        esac && echo '|passed' || echo '|failed'
        """;

    public RemoteCommand Health(string name) => RemoteCommand.Script("read the health status", HealthScript, name);

    // Container output and the last health probes, interleaved as the app wrote them.
    private const string LogsScript =
        """
        docker logs --tail "$2" "$1" 2>&1
        echo "--- last health checks of $1:"
        docker inspect --format '{{if .State.Health}}{{range .State.Health.Log}}exit {{.ExitCode}}: {{.Output}}{{end}}{{end}}' "$1"
        """;

    public RemoteCommand Logs(string name, int lines = 100) =>
        RemoteCommand.Script("read the container's logs", LogsScript, name, lines.ToString(CultureInfo.InvariantCulture));

    public RemoteCommand Stop(string name) =>
        RemoteCommand.Of("stop the old container", "docker", "stop", "--time", "10", name).WithTimeout(TimeSpan.FromSeconds(30));

    public RemoteCommand RunProxy(StagingHost host) => RemoteCommand.Of(
        "start the proxy",
        "docker", "run", "--detach",
        "--name", settings.ProxyContainer,
        "--network", settings.Network,
        "--publish", $"{host.Publish}:80",
        "--restart", "unless-stopped",
        "--log-driver", "json-file", "--log-opt", "max-size=10m", "--log-opt", "max-file=3",
        "--label", $"{ProxyLabel}={settings.Container}",
        settings.ProxyImage);

    public RemoteCommand StartProxy() => RemoteCommand.Of("start the proxy", "docker", "start", settings.ProxyContainer);

    // The config is written inside the proxy container, checked by nginx -t, and only then loaded; a config nginx
    // refuses is put back, so the proxy never runs on a broken file. Reload is graceful: old workers finish the
    // requests they have, new ones go to the new container.
    private const string SwitchScript =
        """
        set -e
        f=/etc/nginx/conf.d/default.conf
        cp "$f" "$f.previous"
        printf '%s' "$1" > "$f"
        if ! nginx -t -q; then cp "$f.previous" "$f"; exit 1; fi
        nginx -s reload
        """;

    public RemoteCommand Switch(string activeContainer) => new(
        "switch the proxy to " + activeContainer,
        ["docker", "exec", settings.ProxyContainer, "sh", "-c", SwitchScript, "sh", ProxyConfig.Render(activeContainer, settings.AppPort)],
        RemoteCommand.DefaultTimeout) { Texts = [5, 7] };

    // Keeps exactly one previous container for Rollback: every other container of the app goes, and its image with
    // it unless another container still uses it (docker rmi refuses then), so the host's disk does not fill up.
    private const string PruneScript =
        """
        docker ps -a --filter "label=$1" --format '{{.Names}}' | while read -r c; do
          if [ "$c" != "$2" ] && [ "$c" != "$3" ]; then
            image=$(docker inspect --format '{{.Config.Image}}' "$c")
            docker rm --force "$c" >/dev/null && echo "removed $c"
            docker rmi "$image" >/dev/null 2>&1 || true
          fi
        done
        """;

    public RemoteCommand Prune(string active, string? previous) =>
        RemoteCommand.Script("remove older containers", PruneScript, $"{AppLabel}={settings.Container}", active, previous ?? active);
}
