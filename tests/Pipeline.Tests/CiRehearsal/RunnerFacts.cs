namespace Pipeline.Tests.CiRehearsal;

/// <summary>
/// What a CI service gives a job besides the file: the branch pushed, the repository's variables and secrets (a
/// CircleCI context is both), the AWS credentials a role assumption yields, and the machine's own environment.
/// </summary>
public sealed record RunnerFacts(
    string Branch,
    IReadOnlyDictionary<string, string> Variables,
    IReadOnlyDictionary<string, string> Secrets,
    IReadOnlyDictionary<string, string> AwsCredentials,
    IReadOnlyDictionary<string, string> Machine)
{
    /// <summary>The variables every runner has, whatever the service: a PATH with the machine's dotnet, a UTF-8 locale.</summary>
    public Dictionary<string, string> BaseEnvironment(JobMachine machine)
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = machine.Home,
            ["USER"] = RunnerAccount.Name,
            ["LANG"] = "C.UTF-8",
            ["TMPDIR"] = machine.Temp,
            ["CI"] = "true",
        };
        foreach (var (name, value) in Machine) environment[name] = value;
        return environment;
    }
}
