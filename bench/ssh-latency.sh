#!/usr/bin/env bash
# B-SSH: per-command latency of the staging transport, `true` on the sandbox's staging-1 (read-only), N pairs:
#   A: the OpenSSH client as the pipeline ran it before SSH.NET: a new ssh process per command, riding one
#      ControlMaster connection (made by a warm-up command, as the first step of a run made it);
#   B: the pipeline's own transport now (StagingConnections: SSH.NET, one connection, a channel per command).
# Both connections are opened before timing starts, and the pairs alternate (A B A B ...) so both see the same
# machine noise. Prints each one's median and the median of the pair-by-pair ratios A/B. Deploys nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
N=${N:-50}
json=${PIPELINE_SANDBOX_DIR:-$HOME/.pipeline-sandbox}/sandbox.json
[[ -r $json ]] || { echo "no $json: run sandbox/up.sh first" >&2; exit 1; }
read -r address port user < <(jq -r '.staging.hosts[0] | "\(.address) \(.port) \(.user)"' "$json")
key=$(jq -r .staging.identityFile "$json")
known=$(jq -r .staging.knownHosts "$json")

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/ssh-latency.cs" <<CS
#:project $root/build/Pipeline/Pipeline.csproj
#:property PublishAot=false
using System.Diagnostics;
using Pipeline.Staging;

var (n, address, port, user, key, known, control) = (int.Parse(args[0]), args[1], int.Parse(args[2]), args[3], args[4], args[5], args[6]);
// The options the pipeline gave ssh before (SshOptions): batch mode, strict pinned host keys, one key, one master.
string[] ssh = ["-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", \$"UserKnownHostsFile={known}",
    "-o", "GlobalKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-i", key, "-o", "ConnectTimeout=10",
    "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3", "-o", "ControlMaster=auto", "-o", \$"ControlPath={control}",
    "-o", "ControlPersist=60", "-o", "LogLevel=ERROR", "-p", port.ToString(), "-l", user, address, "--", "true"];
async Task<double> OpenSshAsync()
{
    var clock = Stopwatch.StartNew();
    using var process = Process.Start("ssh", ssh)!;
    await process.WaitForExitAsync();
    if (process.ExitCode != 0) throw new InvalidOperationException(\$"ssh exited {process.ExitCode}");
    return clock.Elapsed.TotalMilliseconds;
}

var host = new StagingHost("staging-1", user, address, port, "127.0.0.1", 3001);
var settings = new StagingSettings([host], key, known, "bench", 3000, "~/bench.env", "staging", "nginx", TimeSpan.FromSeconds(60), null,
    TimeSpan.FromSeconds(10), null, null, TimeSpan.Zero, "bench", "bench");
await using var connections = new StagingConnections(settings);
var remote = connections.For(host);
var command = RemoteCommand.Of("bench", "true");
async Task<double> SshNetAsync()
{
    var clock = Stopwatch.StartNew();
    await remote.RunCheckedAsync(command, CancellationToken.None);
    return clock.Elapsed.TotalMilliseconds;
}

await OpenSshAsync();   // opens the master connection
await SshNetAsync();    // opens the SSH.NET connection (and JITs the path)
var a = new List<double>();
var b = new List<double>();
for (var i = 0; i < n; i++)
{
    a.Add(await OpenSshAsync());
    b.Add(await SshNetAsync());
}
static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
var ratios = a.Zip(b, (x, y) => x / y).ToList();
Console.WriteLine(\$"B-SSH \`true\` on {user}@{address}:{port}, {n} pairs");
Console.WriteLine(\$"  A ssh + ControlMaster: median {Median(a):0.00} ms (min {a.Min():0.00}, max {a.Max():0.00})");
Console.WriteLine(\$"  B SSH.NET, one connection: median {Median(b):0.00} ms (min {b.Min():0.00}, max {b.Max():0.00})");
Console.WriteLine(\$"  ratio A/B: median {Median(ratios):0.00} (min {ratios.Min():0.00}, max {ratios.Max():0.00})");
CS
dotnet build "$dir/ssh-latency.cs" -c Release -o "$dir/bin" --nologo -v quiet >"$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; exit 1; }
control="$dir/cm-%C"
status=0
dotnet "$dir/bin/ssh-latency.dll" "$N" "$address" "$port" "$user" "$key" "$known" "$control" || status=$?
# The master the warm-up started stays for ControlPersist; this run's is closed here.
ssh -o ControlPath="$control" -p "$port" -l "$user" -O exit "$address" 2>/dev/null || true
exit $status
