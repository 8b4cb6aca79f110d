namespace Pipeline.Deps;

/// <summary>
/// Commands run with exec inside the database container, through its own client: the host needs none. The
/// official mysql image has `mysql`; MariaDB 11 images only have `mariadb`, so whichever exists is used.
/// </summary>
public static class MysqlClientCommand
{
    // Arguments travel as "$@" after the script, never spliced into it, so nothing needs quoting.
    private const string PickClient =
        "client=$(command -v mysql || command -v mariadb) || " +
        "{ echo 'neither mysql nor mariadb client is in this image' >&2; exit 127; }; ";

    /// <summary>
    /// A real query over TCP. The official image's first-start server listens on no TCP port, so this only passes
    /// once the real server is up.
    /// </summary>
    public static IReadOnlyList<string> Query(string sql) =>
        ["sh", "-c", PickClient + "exec \"$client\" \"$@\"", "sh", "-h127.0.0.1", "-uroot", "--batch", "-e", sql];

    /// <summary>Feeds a file in the container to the client, stopping at the first failing statement.</summary>
    public static IReadOnlyList<string> Import(string pathInContainer) =>
        ["sh", "-c", PickClient + "exec \"$client\" -h127.0.0.1 -uroot < \"$1\"", "sh", pathInContainer];
}
