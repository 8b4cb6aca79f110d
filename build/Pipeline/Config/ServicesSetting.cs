using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Config;

/// <summary>
/// Reads the "services" setting: a JSON object whose keys are the services' aliases on the test network.
/// <code>
/// "services": {
///   "postgres": {
///     "image": "postgres:16.4", "port": 5432, "host-port": 15432,
///     "env": { "POSTGRES_HOST_AUTH_METHOD": "trust" },
///     "ready": { "exec": ["pg_isready", "-h", "127.0.0.1"] },
///     "schema": { "file": "db/schema.sql", "import": ["psql", "-U", "postgres", "-f", "{file}"] }
///   }
/// }
/// </code>
/// "ready" is one of { "sql": "SELECT 1" }, { "resp-ping": true }, { "tcp": true }, { "exec": [argv] }; "host-port"
/// defaults to any free port; "{}" means no services. Every problem names the service and the key, never a value.
/// </summary>
public static partial class ServicesSetting
{
    private static readonly string[] ServiceKeys = ["image", "port", "host-port", "env", "ready", "schema"];

    /// <summary>Null for a good value, else what is wrong with it.</summary>
    public static string? Problem(string json)
    {
        try
        {
            Parse(json);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <exception cref="FormatException">The value is not a valid services object; the message says where.</exception>
    public static IReadOnlyList<DependencySpec> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new FormatException("it is not valid JSON");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException("it is not a JSON object of services by name");
            var services = new List<DependencySpec>();
            foreach (var service in document.RootElement.EnumerateObject())
                services.Add(ParseService(service.Name, service.Value));
            return services;
        }
    }

    private static DependencySpec ParseService(string name, JsonElement value)
    {
        if (!AliasPattern().IsMatch(name))
            throw new FormatException($"service name {Quote(name)} is not a network alias (lowercase letters, digits and -, at most 63, starting with a letter)");
        string Where(string key) => $"service \"{name}\" key \"{key}\"";
        if (value.ValueKind != JsonValueKind.Object) throw new FormatException($"service \"{name}\" is not a JSON object");
        foreach (var key in value.EnumerateObject())
            if (!ServiceKeys.Contains(key.Name))
                throw new FormatException($"service \"{name}\" has an unknown key {Quote(key.Name)} (known: {string.Join(", ", ServiceKeys)})");

        var image = value.TryGetProperty("image", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()!
            : throw new FormatException($"{Where("image")} is missing or not a string");
        if (SettingKinds.Image.Problem(image) is { } imageProblem) throw new FormatException($"{Where("image")}: {imageProblem}");
        var port = Port(value, "port", Where("port"), required: true, min: 1);
        var hostPort = Port(value, "host-port", Where("host-port"), required: false, min: 0);

        var environment = new Dictionary<string, string>();
        if (value.TryGetProperty("env", out var env))
        {
            if (env.ValueKind != JsonValueKind.Object) throw new FormatException($"{Where("env")} is not an object of strings");
            foreach (var pair in env.EnumerateObject())
            {
                if (!VariablePattern().IsMatch(pair.Name)) throw new FormatException($"{Where("env")}: {Quote(pair.Name)} is not a variable name");
                if (pair.Value.ValueKind != JsonValueKind.String) throw new FormatException($"{Where("env")}: {pair.Name} is not a string");
                if (ValueText.FirstForbidden(pair.Value.GetString()!, ValueText.IsForbidden) is { } bad)
                    throw new FormatException($"{Where("env")}: {pair.Name}: {bad}");
                environment[pair.Name] = pair.Value.GetString()!;
            }
        }

        var ready = value.TryGetProperty("ready", out var r) ? Probe(r, Where("ready")) : ReadinessProbe.Tcp;
        SchemaImport? schema = null;
        if (value.TryGetProperty("schema", out var s))
        {
            if (s.ValueKind != JsonValueKind.Object || !s.TryGetProperty("file", out var file) || file.ValueKind != JsonValueKind.String)
                throw new FormatException($"{Where("schema")} needs \"file\": the schema's path relative to the build context");
            if (SettingKinds.LocalPath.Problem(file.GetString()!) is { } fileProblem) throw new FormatException($"{Where("schema")} file: {fileProblem}");
            IReadOnlyList<string>? import = null;
            if (s.TryGetProperty("import", out var command))
            {
                import = Argv(command, $"{Where("schema")} import");
                if (!import.Contains(SchemaImport.FilePlaceholder))
                    throw new FormatException($"{Where("schema")} import has no \"{SchemaImport.FilePlaceholder}\" argument for the schema's path in the container");
            }
            else if (ready.Kind != ReadinessProbe.SqlKind)
                throw new FormatException($"{Where("schema")} needs \"import\", the command that reads {SchemaImport.FilePlaceholder} (only a MySQL service, ready by \"sql\", imports with its own client by default)");
            foreach (var key in s.EnumerateObject())
                if (key.Name is not ("file" or "import")) throw new FormatException($"{Where("schema")} has an unknown key {Quote(key.Name)} (known: file, import)");
            schema = new SchemaImport(file.GetString()!, import);
        }
        return new DependencySpec(name, image, port, hostPort, environment, ready, schema);
    }

    private static ReadinessProbe Probe(JsonElement value, string where)
    {
        var kinds = value.ValueKind == JsonValueKind.Object ? value.EnumerateObject().ToList() : [];
        if (kinds.Count != 1 || !ReadinessProbe.Kinds.Contains(kinds[0].Name))
            throw new FormatException($"{where} must be one of {{\"sql\": \"SELECT 1\"}}, {{\"resp-ping\": true}}, {{\"tcp\": true}}, {{\"exec\": [\"cmd\", \"arg\"]}}");
        var probe = kinds[0];
        return probe.Name switch
        {
            ReadinessProbe.SqlKind when probe.Value.ValueKind == JsonValueKind.String && ValueText.FirstForbidden(probe.Value.GetString()!, ValueText.IsForbidden) is null
                => ReadinessProbe.Sql(probe.Value.GetString()!),
            ReadinessProbe.SqlKind => throw new FormatException($"{where} sql must be one line of SQL"),
            ReadinessProbe.ExecKind => ReadinessProbe.Exec(Argv(probe.Value, $"{where} exec")),
            _ when probe.Value.ValueKind == JsonValueKind.True => probe.Name == ReadinessProbe.TcpKind ? ReadinessProbe.Tcp : ReadinessProbe.RespPing,
            _ => throw new FormatException($"{where} {probe.Name} must be true"),
        };
    }

    private static IReadOnlyList<string> Argv(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0 ||
            value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            throw new FormatException($"{where} must be a non-empty list of strings (the command and its arguments)");
        var argv = value.EnumerateArray().Select(e => e.GetString()!).ToList();
        if (argv[0].Length == 0) throw new FormatException($"{where} has an empty command");
        for (var n = 0; n < argv.Count; n++)
            if (ValueText.FirstForbidden(argv[n], ValueText.IsForbidden) is { } bad) throw new FormatException($"{where} argument {n + 1}: {bad}");
        return argv;
    }

    private static int Port(JsonElement service, string key, string where, bool required, int min)
    {
        if (!service.TryGetProperty(key, out var value))
            return required ? throw new FormatException($"{where} is missing (the port the service listens on in its container)") : 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var port) || port < min || port > 65535)
            throw new FormatException($"{where} is not a port number ({min}-65535)");
        return port;
    }

    // A key is printed only when it is a harmless word; anything else is described, never echoed.
    private static string Quote(string key) =>
        key.Length <= 40 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? $"\"{key}\"" : "(a key with unusual characters)";

    [GeneratedRegex("^[a-z][a-z0-9-]{0,62}\\z")]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\z")]
    private static partial Regex VariablePattern();
}
