using System.Text.RegularExpressions;
using Docker.DotNet.Models;
using Pipeline.Cli;

namespace Pipeline.Docker;

/// <summary>
/// Follows a build's message stream: prints each output line as it comes, remembers the step being run, and picks
/// the image ID from the aux message (or, from older engines, the "Successfully built" line). An error in the stream
/// becomes <see cref="Failure"/>, which names the step it belongs to.
/// </summary>
internal sealed partial class BuildOutput
{
    private readonly LayerProgress _pull = new();
    private string _pending = "";
    private string? _successfullyBuilt;

    /// <summary>The last "Step N/M : INSTRUCTION" line, which is the step a later error belongs to.</summary>
    public string? CurrentStep { get; private set; }

    public string? ImageId { get; private set; }

    public void Observe(JSONMessage message)
    {
        if (message.AuxString("ID") is { } id) ImageId = id;

        if (message.Stream is { Length: > 0 } text)
        {
            // A stream chunk is not always a whole line; only complete lines are printed and parsed.
            _pending += text;
            int newline;
            while ((newline = _pending.IndexOf('\n')) >= 0)
            {
                Line(_pending[..newline].TrimEnd('\r'));
                _pending = _pending[(newline + 1)..];
            }
        }
        else
        {
            // A FROM that pulls its base image reports layer progress in the middle of the build.
            _pull.Observe(message);
        }
    }

    public void Complete()
    {
        if (_pending.Length > 0) Line(_pending.TrimEnd('\r'));
        _pending = "";
    }

    /// <summary>The full ID from aux, else the short ID the engine printed (which it accepts everywhere too).</summary>
    public string Result() => ImageId ?? _successfullyBuilt ?? throw new PipelineException(
            "The build finished but the engine reported no image ID",
            "Check the build output above; the engine may have dropped the connection.");

    public PipelineException Failure(string error)
    {
        Complete();
        var where = CurrentStep is null ? "before the first step" : "at " + CurrentStep;
        return new PipelineException(
            $"docker build failed {where}: {error}",
            CurrentStep is null
                ? "Check the Dockerfile and the build context (is the file ignored by .dockerignore?)."
                : "Fix that step in the Dockerfile (its output is above), then build again.",
            error);
    }

    private void Line(string line)
    {
        if (line.Length == 0) return;
        Log.Info(line);
        if (StepLine().IsMatch(line)) CurrentStep = line.Trim();
        if (SuccessLine().Match(line) is { Success: true } built) _successfullyBuilt = built.Groups[1].Value;
    }

    [GeneratedRegex(@"^Step \d+/\d+ : ")]
    private static partial Regex StepLine();

    [GeneratedRegex(@"^Successfully built ([0-9a-f]+)\s*\z")]
    private static partial Regex SuccessLine();
}
