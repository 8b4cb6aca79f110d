#!/usr/bin/env pwsh
# Runs pipeline targets: ./build.ps1 [Target ...] [--parameter value ...]. ./build.ps1 --help lists them all.
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

$manifest = Get-Content .config/dotnet-tools.json -Raw | ConvertFrom-Json
$cakeVersion = $manifest.tools.'cake.tool'.version
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
if (-not (Test-Path (Join-Path $packages "cake.tool/$cakeVersion"))) {
    Write-Host "Restoring Cake.Tool $cakeVersion ..."
    dotnet tool restore | Out-Null
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

# The library is rebuilt only when one of its sources is newer than the built assembly.
$library = 'build/Pipeline'
$assembly = "$library/bin/cake/Pipeline.dll"
$stale = -not (Test-Path $assembly)
if (-not $stale) {
    $built = (Get-Item $assembly).LastWriteTimeUtc
    # Only the library's own bin/ and obj/ are outputs: the path is matched relative to it, so a checkout that itself
    # sits under some bin/ or obj/ directory still sees its sources.
    $libraryPath = (Resolve-Path $library).Path
    $stale = [bool](Get-ChildItem $library -Recurse -File |
        Where-Object { [IO.Path]::GetRelativePath($libraryPath, $_.FullName) -notmatch '^(bin|obj)[\\/]' -and $_.LastWriteTimeUtc -gt $built } |
        Select-Object -First 1)
}
if ($stale) {
    Write-Host 'Building build/Pipeline ...'
    $log = dotnet build $library -c Release -o "$library/bin/cake" --nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) {
        $log | Write-Host
        Write-Error 'build/Pipeline does not compile; fix the errors above.'
        exit 1
    }
    (Get-Item $assembly).LastWriteTimeUtc = [DateTime]::UtcNow
    # Cake's script cache keys on the script text only; a cached script compiled against the old library
    # would fail with "Method not found".
    Remove-Item -Recurse -Force build/tools/cache -ErrorAction SilentlyContinue
}

# Cake's own parser would take --help and --dryrun for itself and knows no parameter types, so the arguments
# travel to the pipeline's parser in one variable, joined by the ASCII unit separator.
$env:PIPELINE_ARGV = ($args | ForEach-Object { "$_" + [char]0x1f }) -join ''
$env:PIPELINE_ROOT = $PSScriptRoot
$env:CAKE_SETTINGS_ENABLESCRIPTCACHE = 'true'
dotnet cake build/build.cake
exit $LASTEXITCODE
