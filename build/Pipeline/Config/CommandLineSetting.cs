using System.Text.Json;

namespace Pipeline.Config;

/// <summary>
/// A command setting as argv: a JSON list of strings (pipeline.json writes it so), or plain words separated by
/// spaces (handy in an environment variable). The words are never given to a shell.
/// </summary>
public static class CommandLineSetting
{
    public static string? Problem(string value)
    {
        try
        {
            Parse(value);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <exception cref="FormatException">Not a list of strings, or an empty command.</exception>
    public static IReadOnlyList<string> Parse(string value)
    {
        IReadOnlyList<string> argv;
        if (value.TrimStart().StartsWith('['))
        {
            try
            {
                argv = JsonSerializer.Deserialize<List<string>>(value) ?? [];
            }
            catch (JsonException)
            {
                throw new FormatException("it starts with '[' but is not a JSON list of strings");
            }
        }
        else
        {
            argv = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        if (argv.Count == 0 || argv[0].Length == 0) throw new FormatException("it has no command");
        return argv;
    }
}
