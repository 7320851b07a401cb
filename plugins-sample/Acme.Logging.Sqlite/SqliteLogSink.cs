using Microsoft.Data.Sqlite;
using Modular.Sdk.Logging;

namespace Acme.Logging.Sqlite;

/// <summary>Inserts each message as one row, committed at once so a concurrent reader sees it whole or not at all.</summary>
internal sealed class SqliteLogSink : ILogSink
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand? _trim;
    private readonly object _gate = new();
    private bool _disposed;

    public SqliteLogSink(string path, SqliteLogOptions options)
    {
        _connection = LogDatabase.OpenForWriting(path);
        _insert = _connection.CreateCommand();
        _insert.CommandText = "INSERT INTO messages (source, line, time_ticks) VALUES ($source, $line, $ticks)";
        _insert.Parameters.Add("$source", SqliteType.Integer);
        _insert.Parameters.Add("$line", SqliteType.Blob);
        _insert.Parameters.Add("$ticks", SqliteType.Integer);
        if (options.MaxRows is { } maxRows)
        {
            _trim = _connection.CreateCommand();
            _trim.CommandText = $"DELETE FROM messages WHERE id <= (SELECT max(id) FROM messages) - {maxRows}";
        }
    }

    public void Log(LogMessage message)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _insert.Parameters["$source"].Value = (int)message.Source;
            _insert.Parameters["$line"].Value = message.Line.ToArray();
            _insert.Parameters["$ticks"].Value = message.Timestamp.UtcTicks;
            _insert.ExecuteNonQuery();
            _trim?.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _insert.Dispose();
            _trim?.Dispose();
            _connection.Dispose();
        }
    }
}
