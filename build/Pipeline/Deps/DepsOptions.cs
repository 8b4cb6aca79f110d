using System.Globalization;
using Pipeline.Config;

namespace Pipeline.Deps;

/// <summary>How long the dependencies get to become ready, and whether they outlive the run.</summary>
public sealed record DepsOptions(TimeSpan Timeout, bool Keep)
{
    /// <summary>How long the test command may run (--test-timeout).</summary>
    public TimeSpan TestTimeout { get; init; } = TimeSpan.FromMinutes(20);

    public static DepsOptions From(ParameterValues values) =>
        new(Seconds(values, PipelineParameters.DepsTimeout, 3600, "60"), values.Flag(PipelineParameters.KeepDeps))
        {
            TestTimeout = Seconds(values, PipelineParameters.TestTimeout, 24 * 3600, "1200"),
        };

    private static TimeSpan Seconds(ParameterValues values, ParameterDefinition parameter, int max, string example)
    {
        var text = values.Get(parameter)!;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > max)
        {
            throw new PipelineException(
                $"{values[parameter].Origin}={text} is not a valid {parameter.Name}",
                $"Give a number of seconds between 1 and {max} in {parameter.CliName} / {parameter.EnvVar}, e.g. {example}.");
        }
        return TimeSpan.FromSeconds(seconds);
    }
}
