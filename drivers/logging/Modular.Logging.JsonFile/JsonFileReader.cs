using System.Runtime.CompilerServices;
using Modular.Sdk.Logging;

namespace Modular.Logging.JsonFile;

/// <summary>
/// Reads a container's json-file logs: the rotated files oldest first, then the current one, and with follow the
/// lines appended afterwards, crossing rotations, until the writer closes.
/// </summary>
internal sealed class JsonFileReader(LogFilePaths paths) : ILogReader
{
    // Followers wake on each write of an in-process sink; the poll only matters for a writer outside this process.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public async IAsyncEnumerable<LogMessage> ReadAsync(LogReadOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var shared = SharedLogFile.Acquire(paths);
        var files = LogFileSet.OpenAll(paths, shared);
        LineScanner? current = null;
        try
        {
            var seenGeneration = files.Generation;
            current = files.TakeCurrent();
            var window = new TimeWindow(options.Since, options.Until);

            if (options.Tail is 0)
            {
                current?.SeekToEnd();
            }
            else if (options.Tail is > 0 and var tail)
            {
                foreach (var message in LastMatching(files.Rotated, current, window, tail))
                {
                    yield return message;
                }
            }
            else
            {
                foreach (var scanner in files.Rotated)
                {
                    while (NextMessage(scanner) is { } message)
                    {
                        if (window.Contains(message))
                        {
                            yield return message;
                        }
                    }
                }
                while (current is not null && NextMessage(current) is { } message)
                {
                    if (window.Contains(message))
                    {
                        yield return message;
                    }
                }
            }
            files.Dispose();

            if (!options.Follow || options.WriterClosed is not { } writerClosed || window.IsOver(DateTimeOffset.UtcNow))
            {
                yield break;
            }

            var closing = false;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var wake = shared.NextWrite();
                // Read the rotation count before draining: if it moved, the file just drained was complete.
                var generation = shared.Generation;
                while (current is not null && NextMessage(current) is { } message)
                {
                    if (window.IsOver(message.Timestamp))
                    {
                        yield break;
                    }
                    if (window.Contains(message))
                    {
                        yield return message;
                    }
                }

                if (generation != seenGeneration || current is null)
                {
                    using var newer = current is null ? LogFileSet.OpenAll(paths, shared) : LogFileSet.OpenNewerThan(paths, shared, seenGeneration);
                    var replacement = newer.TakeCurrent();
                    if (replacement is not null || generation != seenGeneration)
                    {
                        current?.Dispose();
                        current = replacement;
                        seenGeneration = newer.Generation;
                        foreach (var scanner in newer.Rotated)
                        {
                            while (NextMessage(scanner) is { } message)
                            {
                                if (window.IsOver(message.Timestamp))
                                {
                                    yield break;
                                }
                                if (window.Contains(message))
                                {
                                    yield return message;
                                }
                            }
                        }
                        continue;
                    }
                }

                if (closing)
                {
                    yield break;
                }
                if (writerClosed.IsCompleted)
                {
                    // One more pass reads what the writer logged before it closed.
                    closing = true;
                    continue;
                }
                await Task.WhenAny(wake, writerClosed, Task.Delay(PollInterval, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (window.IsOver(DateTimeOffset.UtcNow))
                {
                    yield break;
                }
            }
        }
        finally
        {
            files.Dispose();
            current?.Dispose();
            shared.Release();
        }
    }

    private static IEnumerable<LogMessage> LastMatching(List<LineScanner> rotated, LineScanner? current, TimeWindow window, int count)
    {
        var last = new Queue<LogMessage>(Math.Min(count, 4096));
        foreach (var scanner in current is null ? rotated : rotated.Append(current))
        {
            while (NextMessage(scanner) is { } message)
            {
                if (!window.Contains(message))
                {
                    continue;
                }
                if (last.Count == count)
                {
                    last.Dequeue();
                }
                last.Enqueue(message);
            }
        }
        return last;
    }

    private static LogMessage? NextMessage(LineScanner scanner)
    {
        while (scanner.TryReadLine(out var line))
        {
            // A line that does not decode (cut short by a crash, or not ours) is skipped, as dockerd skips it.
            if (JsonLogLineDecoder.TryDecode(line.Span) is { } message)
            {
                return message;
            }
        }
        return null;
    }

    private readonly record struct TimeWindow(DateTimeOffset? Since, DateTimeOffset? Until)
    {
        public bool Contains(LogMessage message) =>
            (Since is not { } since || message.Timestamp >= since) && (Until is not { } until || message.Timestamp < until);

        public bool IsOver(DateTimeOffset time) => Until is { } until && time >= until;
    }
}
