using Pipeline.Config;

namespace Pipeline.Cli;

/// <summary>
/// Parses `./build.sh Target [Target…] [--param value | --param=value]`. It knows which parameters are flags,
/// which Cake's own parser cannot, so `--dryrun Test` reads Test as a target and `--repository app` as a value.
/// </summary>
public static class CommandLineParser
{
    public static Invocation Parse(IReadOnlyList<string> args, TargetGraph graph)
    {
        var targets = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "-?" or "/?") arg = "--help";
            if (!arg.StartsWith('-'))
            {
                targets.Add(graph.Canonical(arg));
                continue;
            }

            var (name, inlineValue) = Split(arg);
            var parameter = PipelineParameters.Find(name) ?? throw UnknownParameter(name);
            string value;
            if (inlineValue is not null) value = inlineValue;
            else if (parameter.IsFlag) value = "true";
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--")) value = args[++i];
            else throw new PipelineException($"{parameter.CliName} needs a value", $"Write {parameter.CliName}=VALUE or {parameter.CliName} VALUE.");

            if (values.ContainsKey(parameter.Name) && parameter != PipelineParameters.Skip)
                throw new PipelineException($"{parameter.CliName} is given twice", "Give it once.");
            values[parameter.Name] = values.TryGetValue(parameter.Name, out var earlier) ? earlier + "," + value : value;
        }
        return new Invocation(targets, values);
    }

    private static (string Name, string? Value) Split(string arg)
    {
        var body = arg.TrimStart('-');
        var equals = body.IndexOf('=');
        return equals < 0 ? (body, null) : (body[..equals], body[(equals + 1)..]);
    }

    // Only the name: the value of a misspelt --registry-pasword=... is the password.
    private static PipelineException UnknownParameter(string name)
    {
        var closest = NameSuggestions.Closest(name, PipelineParameters.All.Select(p => p.Name));
        return new PipelineException(
            $"Unknown parameter '--{ValueText.Escape(name)}'",
            (closest is null ? "" : $"Did you mean '--{closest}'? ") + "./build.sh --help lists every parameter.");
    }
}
