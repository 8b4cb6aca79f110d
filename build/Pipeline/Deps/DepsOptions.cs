using System.Globalization;
using Pipeline.Config;

namespace Pipeline.Deps;

/// <summary>How long the dependencies get to become ready, and whether they outlive the run.</summary>
public sealed record DepsOptions(TimeSpan Timeout, bool Keep)
{
    public static DepsOptions From(ParameterValues values)
    {
        var parameter = PipelineParameters.DepsTimeout;
        var text = values.Get(parameter)!;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 3600)
        {
            throw new PipelineException(
                $"{values[parameter].Origin}={text} is not a valid {parameter.Name}",
                $"Give a number of seconds between 1 and 3600 in {parameter.CliName} / {parameter.EnvVar}, e.g. 60.");
        }
        return new DepsOptions(TimeSpan.FromSeconds(seconds), values.Flag(PipelineParameters.KeepDeps));
    }
}
