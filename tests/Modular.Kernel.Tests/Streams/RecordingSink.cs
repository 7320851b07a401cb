using Modular.Sdk.Logging;

namespace Modular.Kernel.Tests.Streams;

/// <summary>A sink that keeps a copy of each message and notes each flush, in order.</summary>
internal sealed class RecordingSink : ILogSink
{
    private readonly List<Entry> _entries = new();

    /// <summary>Thrown from every Log once set.</summary>
    public Exception? FailWith { get; set; }

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
            {
                return _entries.ToList();
            }
        }
    }

    public List<(LogSource Source, string Text)> Messages =>
        Entries.Where(e => !e.IsFlush).Select(e => (e.Source, System.Text.Encoding.UTF8.GetString(e.Bytes))).ToList();

    public int Flushes => Entries.Count(e => e.IsFlush);

    /// <summary>Once set, every Log waits for it: a log driver whose server has stopped reading.</summary>
    public ManualResetEventSlim? HoldLogsUntil { get; set; }

    public void Log(LogMessage message)
    {
        HoldLogsUntil?.Wait();
        if (FailWith is { } error)
        {
            throw error;
        }
        lock (_entries)
        {
            _entries.Add(new Entry(false, message.Source, message.Line.ToArray(), message.Timestamp));
        }
    }

    public void Flush()
    {
        lock (_entries)
        {
            _entries.Add(new Entry(true, default, [], default));
        }
    }

    public void Dispose()
    {
    }

    public sealed record Entry(bool IsFlush, LogSource Source, byte[] Bytes, DateTimeOffset Time);
}
