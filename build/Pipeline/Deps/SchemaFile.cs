using Pipeline.Config;

namespace Pipeline.Deps;

/// <summary>The app's schema: docker/database.sql in the build context (it belongs to the app), else the repository's.</summary>
public static class SchemaFile
{
    public const string RelativePath = "docker/database.sql";

    public static string Locate(PipelineSettings settings)
    {
        foreach (var root in new[] { settings.ContextDirectory, settings.RepositoryRoot })
        {
            var path = Path.Combine(root, RelativePath);
            if (File.Exists(path)) return path;
        }
        throw new PipelineException(
            $"No {RelativePath} in the build context {settings.ContextDirectory} or the repository",
            "Add the app's schema there: StartDeps imports it into MySQL.");
    }
}
