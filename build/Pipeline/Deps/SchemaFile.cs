using Pipeline.Config;

namespace Pipeline.Deps;

/// <summary>A service's schema file: in the build context (it belongs to the app), else in the repository.</summary>
public static class SchemaFile
{
    public static string Locate(PipelineSettings settings, string relativePath, string service)
    {
        foreach (var root in new[] { settings.ContextDirectory, settings.RepositoryRoot })
        {
            var path = Path.GetFullPath(Path.Combine(root, relativePath));
            if (File.Exists(path)) return path;
        }
        throw new PipelineException(
            $"No {relativePath} in the build context {settings.ContextDirectory} or the repository (the schema of service {service})",
            $"Add the schema there, or change or remove \"schema\" of service {service} in pipeline.json's \"services\".");
    }

    /// <summary>The schema file of every service that has one, by alias.</summary>
    public static IReadOnlyDictionary<string, string> LocateAll(PipelineSettings settings, DepsPlan plan) =>
        plan.Services.Where(s => s.Schema is not null)
            .ToDictionary(s => s.Alias, s => Locate(settings, s.Schema!.File, s.Alias));
}
