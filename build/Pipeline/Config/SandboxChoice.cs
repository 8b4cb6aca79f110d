namespace Pipeline.Config;

/// <summary>
/// Whether this run acts on the local sandbox, and why (the reason completes "because ..."). The sandbox is a rehearsal: it needs Debian as root, and
/// it swaps the project's pinned public images for stand-ins. So it is used only where it can run and nobody
/// configured real infrastructure, and never in CI unless asked (a CI job must test what production runs).
/// </summary>
public sealed record SandboxChoice(bool Use, string Reason)
{
    public const string Auto = "auto";
    public const string On = "on";
    public const string Off = "off";

    /// <summary>The variables CI services set; any one of them means the run is a CI job.</summary>
    private static readonly string[] CiVariables = ["GITHUB_ACTIONS", "CIRCLECI", "CI"];

    public static SandboxChoice Decide(ParameterValues values, Func<string, string?> environment, HostPlatform host)
    {
        var mode = values.Get(PipelineParameters.Sandbox) ?? Auto;
        var modeOrigin = values[PipelineParameters.Sandbox].Origin;
        var registry = values[PipelineParameters.Registry];
        if (mode == Off) return new SandboxChoice(false, $"{modeOrigin}={Off}");
        if (registry.IsSet)
        {
            if (mode == On)
                throw new PipelineException(
                    $"{modeOrigin}={On} and {registry.Origin} are both set",
                    "The sandbox has its own registry: unset the registry to rehearse on the sandbox, or drop --sandbox on to use that registry.");
            return new SandboxChoice(false, $"{registry.Origin} names a registry");
        }
        if (mode == On) return new SandboxChoice(true, $"{modeOrigin}={On}");

        if (CiVariables.Select(name => (name, value: environment(name))).FirstOrDefault(v => IsTrue(v.value)) is { name: { } ci } found)
            return new SandboxChoice(false, $"{ci}={found.value}: a CI run tests the pinned images (--sandbox on rehearses on the sandbox)");
        if (!host.CanHostSandbox(out var why))
            return new SandboxChoice(false, $"{why}: the sandbox needs Debian as root, so this run uses the pinned images");
        return new SandboxChoice(true, "nothing is configured and this is Debian as root, outside CI (--sandbox off uses the pinned images)");
    }

    private static bool IsTrue(string? value) =>
        value is { Length: > 0 } && !value.Equals("false", StringComparison.OrdinalIgnoreCase) && value != "0";
}

/// <summary>The facts about this machine that decide whether sandbox/up.sh can run here at all.</summary>
public sealed record HostPlatform(bool IsLinux, bool IsDebian, bool IsRoot)
{
    public static HostPlatform Current { get; } = new(
        OperatingSystem.IsLinux(),
        File.Exists("/etc/debian_version"),
        OperatingSystem.IsLinux() && Environment.UserName == "root");

    public bool CanHostSandbox(out string why)
    {
        why = !IsLinux ? $"this is {(OperatingSystem.IsMacOS() ? "macOS" : OperatingSystem.IsWindows() ? "Windows" : "not Linux")}"
            : !IsDebian ? "this Linux is not Debian"
            : !IsRoot ? $"not root (user {Environment.UserName})"
            : "";
        return why.Length == 0;
    }
}
