using Microsoft.Data.Sqlite;
using Modular.Sdk.Logging;

namespace Acme.Logging.Sqlite;

/// <summary>The database file of one container and how connections to it are opened.</summary>
internal static class LogDatabase
{
    public const string FileName = "container-logs.sqlite";

    public static string PathFor(LogContext context) => Path.Combine(context.ContainerDirectory, FileName);

    /// <summary>Opens (creating if needed) the database for writing, in WAL mode so readers never block the writer.</summary>
    public static SqliteConnection OpenForWriting(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                source INTEGER NOT NULL,
                line BLOB NOT NULL,
                time_ticks INTEGER NOT NULL)
            """);
        return connection;
    }

    /// <summary>Opens an existing database for reading, or returns null when the container never logged.</summary>
    public static SqliteConnection? OpenForReading(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        // Read-write: a WAL reader needs the -shm file, which a read-only connection may not be able to create.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout=5000;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
