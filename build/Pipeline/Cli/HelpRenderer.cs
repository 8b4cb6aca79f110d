using System.Text;
using Pipeline.Config;

namespace Pipeline.Cli;

/// <summary>
/// Nuke-style help: every target with its direct dependencies and description, then every parameter with its
/// environment variable, default and secret mark. Cake's own --description shows neither edges nor defaults.
/// </summary>
public static class HelpRenderer
{
    public static string Render(TargetGraph graph, IReadOnlyList<ParameterDefinition> parameters)
    {
        var text = new StringBuilder();
        text.AppendLine("Usage: ./build.sh [Target ...] [--parameter value ...]");
        text.AppendLine();
        text.AppendLine("Targets (with their direct dependencies):");
        text.AppendLine();
        var nameWidth = graph.Targets.Max(t => Label(t, graph).Length) + 3;
        foreach (var target in graph.Targets)
        {
            var label = Label(target, graph);
            var edges = target.Dependencies.Count == 0 ? "" : "-> " + string.Join(", ", target.Dependencies);
            text.Append("  ").Append(label.PadRight(nameWidth));
            if (edges.Length > 0)
                text.AppendLine(edges).Append(' ', nameWidth + 2);
            text.AppendLine(target.Description);
        }

        text.AppendLine();
        text.AppendLine("Parameters (each also read from its environment variable, and from pipeline.json by name):");
        text.AppendLine();
        var cliWidth = parameters.Max(p => p.CliName.Length) + 2;
        var envWidth = parameters.Max(p => p.EnvVar.Length) + 2;
        var indent = new string(' ', 2 + cliWidth + envWidth);
        foreach (var parameter in parameters)
        {
            text.Append("  ").Append(parameter.CliName.PadRight(cliWidth)).Append(parameter.EnvVar.PadRight(envWidth));
            text.AppendLine(parameter.Description + (parameter.IsSecret ? "  [secret: environment only]" : ""));
            if (parameter.AllowedValues is { } allowed)
                text.Append(indent).AppendLine("one of: " + string.Join(" | ", allowed));
            if (parameter.ShownDefault is { } shown)
                text.Append(indent).AppendLine("default: " + shown);
        }
        return text.ToString();
    }

    private static string Label(TargetInfo target, TargetGraph graph) =>
        target.Name == graph.Default ? target.Name + " (default)" : target.Name;
}
