namespace Pipeline.Staging;

/// <summary>What a remote command returned: exit code and its two output streams.</summary>
public sealed record RemoteResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    public string Combined => (Output + (Output.Length > 0 && Error.Length > 0 ? "\n" : "") + Error).TrimEnd();
}
