using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Modular.Sdk.Logging;

namespace Acme.Logging.Sqlite;

/// <summary>
/// Reads rows back in insertion order. Following polls for rows newer than the last one returned: SQLite has no change
/// notification across processes, and a poll every few tens of milliseconds is what <c>docker logs -f</c> needs.
/// </summary>
internal sealed class SqliteLogReader(string path) : ILogReader
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    public async IAsyncEnumerable<LogMessage> ReadAsync(LogReadOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = await OpenWhenCreatedAsync(options, cancellationToken);
        if (connection is null)
        {
            yield break;
        }
        using (connection)
        {
            var last = MaxId(connection);
            foreach (var message in Stored(connection, options, last))
            {
                yield return message;
            }
            if (!options.Follow || options.WriterClosed is null)
            {
                yield break;
            }
            while (true)
            {
                // Read what the writer stored before it closed, then stop: checked before the read, not after.
                var closed = options.WriterClosed.IsCompleted;
                foreach (var (id, message) in After(connection, last, options.Until))
                {
                    last = id;
                    yield return message;
                }
                if (closed)
                {
                    yield break;
                }
                await Task.WhenAny(options.WriterClosed, Task.Delay(PollInterval, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    // A follower may start before the container's first message created the database.
    private async Task<SqliteConnection?> OpenWhenCreatedAsync(LogReadOptions options, CancellationToken cancellationToken)
    {
        while (true)
        {
            var closed = options.WriterClosed?.IsCompleted ?? true;
            if (LogDatabase.OpenForReading(path) is { } connection)
            {
                return connection;
            }
            if (!options.Follow || closed)
            {
                return null;
            }
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static long MaxId(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(id), 0) FROM messages";
        return (long)command.ExecuteScalar()!;
    }

    private static List<LogMessage> Stored(SqliteConnection connection, LogReadOptions options, long upTo)
    {
        using var command = connection.CreateCommand();
        var filter = "id <= $upTo" + TimeFilter(command, options.Since, options.Until);
        command.Parameters.AddWithValue("$upTo", upTo);
        command.CommandText = options.Tail is { } tail
            ? $"SELECT id, source, line, time_ticks FROM (SELECT * FROM messages WHERE {filter} ORDER BY id DESC LIMIT {Math.Max(tail, 0)}) ORDER BY id"
            : $"SELECT id, source, line, time_ticks FROM messages WHERE {filter} ORDER BY id";
        return Read(command).Select(r => r.Message).ToList();
    }

    private static List<(long Id, LogMessage Message)> After(SqliteConnection connection, long id, DateTimeOffset? until)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, source, line, time_ticks FROM messages WHERE id > $after" + TimeFilter(command, null, until) + " ORDER BY id";
        command.Parameters.AddWithValue("$after", id);
        return Read(command);
    }

    private static string TimeFilter(SqliteCommand command, DateTimeOffset? since, DateTimeOffset? until)
    {
        var filter = "";
        if (since is { } from)
        {
            filter += " AND time_ticks >= $since";
            command.Parameters.AddWithValue("$since", from.UtcTicks);
        }
        if (until is { } to)
        {
            filter += " AND time_ticks < $until";
            command.Parameters.AddWithValue("$until", to.UtcTicks);
        }
        return filter;
    }

    private static List<(long Id, LogMessage Message)> Read(SqliteCommand command)
    {
        var rows = new List<(long, LogMessage)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var source = reader.GetInt32(1) == (int)LogSource.Stderr ? LogSource.Stderr : LogSource.Stdout;
            var line = (byte[])reader.GetValue(2);
            rows.Add((reader.GetInt64(0), new LogMessage(source, line, new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero))));
        }
        return rows;
    }
}
