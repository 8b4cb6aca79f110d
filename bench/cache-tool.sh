# shellcheck shell=bash
# Shared by bench/cache*.sh: builds a small program that runs the pipeline's own ImageTarballCache, so the benches
# time the cache itself and not Cake's start-up. Sourced, not run.

# cache_tool_build DIR: writes and builds the program in DIR (Release), then prints the command that runs it:
#   <command> save DIR CODEC IMAGE...   the images are in the engine, DIR is empty: saves them (fails otherwise)
#   <command> load DIR CODEC IMAGE...   removes the images from the engine, then loads them from DIR's entries
# Each prints "<mode> <codec> <seconds> s <tarball bytes> bytes"; the pipeline's own log goes to stderr.
cache_tool_build() {
  local dir=$1 root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  mkdir -p "$dir"
  cat >"$dir/cache-tool.cs" <<CS
#:project $root/build/Pipeline/Pipeline.csproj
#:property PublishAot=false
using System.Diagnostics;
using Pipeline.Cache;
using Pipeline.Cli;
using Pipeline.Docker;

var (mode, directory, codec, images) = (args[0], args[1], args[2], args[3..]);
Log.Out = Console.Error;
using var engine = DockerEngine.FromEnvironment();
var settings = new ImageCacheSettings(directory, TarballCompression.Parse(codec, "codec"), []);
var cache = new ImageTarballCache(engine, settings, _ => null);
if (mode == "load")
{
    foreach (var image in images)
    {
        if (await engine.Images.InspectAsync(image, CancellationToken.None) is { } present)
            await engine.Images.RemoveAsync(present.Id, force: true, CancellationToken.None);
    }
}
var clock = Stopwatch.StartNew();
var results = await cache.RestoreAsync(images, CancellationToken.None);
var seconds = clock.Elapsed.TotalSeconds;
var expected = mode == "load" ? CacheOutcome.LoadedFromCache : CacheOutcome.SavedFromEngine;
foreach (var result in results.Where(r => r.Outcome != expected))
{
    Console.Error.WriteLine(\$"{result.Reference}: {result.Outcome}, expected {expected}");
    return 1;
}
Console.WriteLine(\$"{mode} {codec} {seconds:0.00} s {results.Sum(r => r.TarballBytes)} bytes");
return 0;
CS
  dotnet build "$dir/cache-tool.cs" -c Release -o "$dir/bin" --nologo -v quiet >"$dir/build.log" 2>&1 \
    || { cat "$dir/build.log" >&2; return 1; }
  echo "dotnet $dir/bin/cache-tool.dll"
}
