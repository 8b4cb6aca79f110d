namespace Pipeline;

/// <summary>Thrown to Cake after the failure has been reported, so the build stops and exits non-zero.</summary>
public sealed class TargetFailedException(string target, string reason) : Exception($"{target} failed: {reason}")
{
    public string Target { get; } = target;
}
