namespace Pipeline;

/// <summary>
/// Work that must happen even when a run is aborted at once: a second Ctrl-C, SIGQUIT or SIGTERM (after the first one
/// started the normal cleanup) ends the process right after these run and skips every finally block. Only
/// quick, must-happen work belongs here, such as deleting a secret written to disk. PipelineHost runs them.
/// </summary>
public static class AbortCleanup
{
    private static readonly List<Action> Actions = [];

    public static IDisposable Register(Action action)
    {
        lock (Actions) Actions.Add(action);
        return new Registration(action);
    }

    internal static void RunAll()
    {
        Action[] actions;
        lock (Actions) actions = [.. Actions];
        foreach (var action in actions)
        {
            try
            {
                action();
            }
            catch (Exception)
            {
                // The process is ending: one failed cleanup must not stop the others.
            }
        }
    }

    private sealed class Registration(Action action) : IDisposable
    {
        public void Dispose()
        {
            lock (Actions) Actions.Remove(action);
        }
    }
}
