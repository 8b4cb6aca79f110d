namespace Pipeline.Tests.Aws;

/// <summary>
/// Sets process environment variables for one test and puts back what was there. The AWS SDK's credential chain
/// reads the process environment, so tests of it can only set it; <see cref="ProcessEnvironmentCollection"/> keeps
/// them from running beside any other test (whose child processes would inherit the values).
/// </summary>
internal sealed class ProcessEnvironment : IDisposable
{
    private readonly Dictionary<string, string?> _saved = new();

    public ProcessEnvironment Set(string name, string? value)
    {
        if (!_saved.ContainsKey(name)) _saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}
