using System.Text;
using Modular.Sdk.Logging;
using Xunit;

namespace Modular.Sdk.Conformance.Logging;

/// <summary>
/// The contract every logging driver that can read its logs back must keep. Subclass it, return the driver from
/// <see cref="CreateDriver"/>, and every test runs against a fresh container directory that is removed afterwards.
/// Override <see cref="LogOptions"/> to run the whole suite under particular options (e.g. aggressive rotation).
/// </summary>
public abstract class LoggingDriverConformance : IDisposable
{
    private static readonly DateTimeOffset FirstTimestamp = new(2026, 11, 28, 2, 15, 55, 123, TimeSpan.Zero);
    private static readonly TimeSpan TimestampTolerance = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan FollowTimeout = TimeSpan.FromSeconds(20);

    protected LoggingDriverConformance()
    {
        ContainerDirectory = Directory.CreateTempSubdirectory("modular-logconf-").FullName;
        ContainerId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
    }

    /// <summary>The container folder this test's logs go to; deleted when the test ends.</summary>
    protected string ContainerDirectory { get; }

    /// <summary>The 64-hex id of this test's container.</summary>
    protected string ContainerId { get; }

    /// <summary>The log options the suite passes for its container.</summary>
    protected virtual IReadOnlyDictionary<string, string> LogOptions { get; } = new Dictionary<string, string>();

    /// <summary>Returns the driver under test. Called once per test.</summary>
    protected abstract ILoggingDriver CreateDriver();

    /// <summary>The context of this test's container.</summary>
    protected LogContext Context => new(ContainerId, "conformance", ContainerDirectory, LogOptions);

    /// <summary>Removes the test's container directory.</summary>
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        Directory.Delete(ContainerDirectory, recursive: true);
    }

    [Fact]
    public void The_suite_options_are_valid()
    {
        CreateDriver().ValidateOptions(LogOptions);
    }

    [Fact]
    public void An_unknown_option_is_rejected_as_an_invalid_argument()
    {
        var driver = CreateDriver();
        var options = new Dictionary<string, string>(LogOptions) { ["no-such-conformance-opt"] = "1" };

        var error = Assert.Throws<DriverException>(() => driver.ValidateOptions(options));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("no-such-conformance-opt", error.Message);
    }

    [Fact]
    public async Task A_container_that_never_logged_reads_back_nothing()
    {
        var read = await ReadAllAsync(CreateDriver(), new LogReadOptions());

        Assert.Empty(read);
    }

    [Fact]
    public async Task Messages_read_back_exactly_in_order_with_their_streams()
    {
        var driver = CreateDriver();
        var written = Messages(0, 60);
        Write(driver, written);

        var read = await ReadAllAsync(driver, new LogReadOptions());

        AssertSameMessages(written, read);
        AssertSameMessages(written.Where(m => m.Source == LogSource.Stderr).ToList(), read.Where(m => m.Source == LogSource.Stderr).ToList());
    }

    [Fact]
    public async Task A_restarted_container_appends_to_its_earlier_logs()
    {
        var driver = CreateDriver();
        var firstRun = Messages(0, 10);
        var secondRun = Messages(10, 10);
        Write(driver, firstRun);
        Write(driver, secondRun);

        var read = await ReadAllAsync(driver, new LogReadOptions());

        AssertSameMessages([.. firstRun, .. secondRun], read);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(30)]
    [InlineData(31)]
    [InlineData(1000)]
    public async Task Tail_returns_the_last_messages(int tail)
    {
        var driver = CreateDriver();
        var written = Messages(0, 30);
        Write(driver, written);

        var read = await ReadAllAsync(driver, new LogReadOptions(Tail: tail));

        AssertSameMessages(written.TakeLast(tail).ToList(), read);
    }

    [Fact]
    public async Task Since_keeps_messages_at_or_after_the_time()
    {
        var driver = CreateDriver();
        var written = Messages(0, 20);
        Write(driver, written);

        var read = await ReadAllAsync(driver, new LogReadOptions(Since: written[5].Timestamp));

        AssertSameMessages(written.Skip(5).ToList(), read);
    }

    [Fact]
    public async Task Until_keeps_messages_before_the_time()
    {
        var driver = CreateDriver();
        var written = Messages(0, 20);
        Write(driver, written);

        var read = await ReadAllAsync(driver, new LogReadOptions(Until: written[12].Timestamp));

        AssertSameMessages(written.Take(12).ToList(), read);
    }

    [Fact]
    public async Task Since_until_and_tail_combine()
    {
        var driver = CreateDriver();
        var written = Messages(0, 20);
        Write(driver, written);

        var read = await ReadAllAsync(driver, new LogReadOptions(Tail: 3, Since: written[4].Timestamp, Until: written[15].Timestamp));

        AssertSameMessages(written.Skip(12).Take(3).ToList(), read);
    }

    [Fact]
    public async Task Follow_streams_new_messages_and_ends_when_the_writer_closes()
    {
        var driver = CreateDriver();
        var before = Messages(0, 5);
        var after = Messages(5, 25);
        var writerClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = new CancellationTokenSource(FollowTimeout);
        var read = new List<LogMessage>();

        using (var sink = driver.CreateSink(Context))
        {
            before.ForEach(sink.Log);
            sink.Flush();
            var reader = RequireReader(driver);
            await using var stream = reader.ReadAsync(new LogReadOptions(Follow: true, WriterClosed: writerClosed.Task), timeout.Token).GetAsyncEnumerator(timeout.Token);
            for (var i = 0; i < before.Count; i++)
            {
                Assert.True(await stream.MoveNextAsync(), "the follower ended before returning the existing messages");
                read.Add(stream.Current);
            }

            var writer = Task.Run(() =>
            {
                foreach (var message in after)
                {
                    sink.Log(message);
                    sink.Flush();
                    Thread.Sleep(2);
                }
            });
            while (read.Count < before.Count + after.Count / 2)
            {
                Assert.True(await stream.MoveNextAsync(), "the follower ended while the writer was open");
                read.Add(stream.Current);
            }
            await writer;
            sink.Dispose();
            writerClosed.SetResult();
            while (await stream.MoveNextAsync())
            {
                read.Add(stream.Current);
            }
        }

        AssertSameMessages([.. before, .. after], read);
    }

    [Fact]
    public async Task Follow_with_tail_zero_returns_only_new_messages()
    {
        var driver = CreateDriver();
        var old = Messages(0, 8);
        // When the follower has positioned itself is the driver's business, so new messages keep coming until it has
        // delivered one: whatever it returns must then be a run of new messages that ends with the last one written.
        var fresh = Messages(old.Count, 2000);
        var writerClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstDelivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = new CancellationTokenSource(FollowTimeout);
        var read = new List<LogMessage>();
        var writtenFresh = 0;

        var sink = driver.CreateSink(Context);
        try
        {
            old.ForEach(sink.Log);
            sink.Flush();
            var writer = Task.Run(async () =>
            {
                var extraAfterDelivery = 3;
                while (writtenFresh < fresh.Count && extraAfterDelivery > 0)
                {
                    sink.Log(fresh[writtenFresh++]);
                    sink.Flush();
                    if (firstDelivered.Task.IsCompleted)
                    {
                        extraAfterDelivery--;
                    }
                    await Task.Delay(10, timeout.Token);
                }
                sink.Dispose();
                writerClosed.SetResult();
            }, timeout.Token);
            await foreach (var message in RequireReader(driver)
                .ReadAsync(new LogReadOptions(Tail: 0, Follow: true, WriterClosed: writerClosed.Task), timeout.Token)
                .WithCancellation(timeout.Token))
            {
                read.Add(message);
                firstDelivered.TrySetResult();
            }
            await writer;
        }
        finally
        {
            sink.Dispose();
        }

        Assert.NotEmpty(read);
        var written = fresh.Take(writtenFresh).ToList();
        AssertContiguousRun(written, read);
        AssertSameMessage(written[^1], read[^1], writtenFresh - 1);
    }

    [Fact]
    public async Task Follow_without_an_open_writer_returns_what_is_stored_and_ends()
    {
        var driver = CreateDriver();
        var written = Messages(0, 6);
        Write(driver, written);
        using var timeout = new CancellationTokenSource(FollowTimeout);

        var read = await ReadAllAsync(driver, new LogReadOptions(Follow: true), timeout.Token);

        AssertSameMessages(written, read);
    }

    [Fact]
    public async Task Cancelling_a_follower_stops_it()
    {
        var driver = CreateDriver();
        var writerClosed = new TaskCompletionSource();
        using var sink = driver.CreateSink(Context);
        sink.Log(Messages(0, 1)[0]);
        sink.Flush();
        using var cancel = new CancellationTokenSource();
        var reading = ReadAllAsync(driver, new LogReadOptions(Follow: true, WriterClosed: writerClosed.Task), cancel.Token);

        await Task.Delay(100, TestContext.Current.CancellationToken);
        cancel.Cancel();

        var finished = await Task.WhenAny(reading, Task.Delay(FollowTimeout, TestContext.Current.CancellationToken));
        Assert.Same(reading, finished);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    [Fact]
    public async Task Readers_during_concurrent_writes_never_see_a_torn_message()
    {
        var driver = CreateDriver();
        var written = Messages(0, 1000, padding: 200);
        using var sink = driver.CreateSink(Context);
        // Batches of different sizes, as a copier flushes after each read of the container's output.
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < written.Count; i++)
            {
                sink.Log(written[i]);
                if (i % 7 == 0 || i % 11 == 0)
                {
                    sink.Flush();
                }
            }
        });
        var reads = 0;
        var longest = 0;

        while (!writer.IsCompleted || reads == 0)
        {
            var read = await ReadAllAsync(driver, new LogReadOptions());
            AssertContiguousRun(written, read);
            longest = Math.Max(longest, read.Count);
            reads++;
        }
        await writer;

        Assert.True(reads > 0);
        AssertContiguousRun(written, await ReadAllAsync(driver, new LogReadOptions()));
    }

    [Fact]
    public async Task Flushed_messages_are_read_back_while_the_sink_stays_open()
    {
        var driver = CreateDriver();
        var first = Messages(0, 12);
        var second = Messages(12, 5);
        using var sink = driver.CreateSink(Context);

        first.ForEach(sink.Log);
        sink.Flush();
        var afterFirst = await ReadAllAsync(driver, new LogReadOptions());
        second.ForEach(sink.Log);
        sink.Flush();
        var afterSecond = await ReadAllAsync(driver, new LogReadOptions());

        AssertSameMessages(first, afterFirst);
        AssertSameMessages([.. first, .. second], afterSecond);
    }

    /// <summary>
    /// Writes <paramref name="messages"/> through one sink, opened and closed like one run of the container, without
    /// flushing: closing the sink must store what it still holds.
    /// </summary>
    protected void Write(ILoggingDriver driver, IEnumerable<LogMessage> messages)
    {
        using var sink = driver.CreateSink(Context);
        foreach (var message in messages)
        {
            sink.Log(message);
        }
    }

    /// <summary>Reads until the reader ends.</summary>
    protected async Task<List<LogMessage>> ReadAllAsync(ILoggingDriver driver, LogReadOptions options, CancellationToken cancellationToken = default)
    {
        var read = new List<LogMessage>();
        await foreach (var message in RequireReader(driver).ReadAsync(options, cancellationToken).WithCancellation(cancellationToken))
        {
            read.Add(message);
        }
        return read;
    }

    /// <summary>
    /// Messages numbered from <paramref name="first"/>, alternating stdout and stderr, one millisecond apart, whose
    /// text covers what drivers must carry unchanged: quotes, backslashes, tabs, control bytes, markup characters,
    /// non-ASCII text, and a chunk without its newline (a partial line).
    /// </summary>
    protected static List<LogMessage> Messages(int first, int count, int padding = 0)
    {
        var pad = new string('x', padding);
        return Enumerable.Range(first, count).Select(i =>
        {
            var text = (i % 5) switch
            {
                0 => $"message {i} plain{pad}\n",
                1 => $"message {i} \"quoted\" back\\slash\ttab <b>&amp;</b>{pad}\n",
                2 => $"message {i} ctrl \u0001\u001b[31mred\u001b[0m\r{pad}\n",
                3 => $"message {i} unicode é 日本語 🚀 \u2028{pad}\n",
                _ => $"message {i} partial chunk without newline{pad}",
            };
            return new LogMessage(i % 2 == 0 ? LogSource.Stdout : LogSource.Stderr, Encoding.UTF8.GetBytes(text),
                FirstTimestamp.AddMilliseconds(i));
        }).ToList();
    }

    /// <summary>Asserts the same sources, bytes and (within a millisecond) timestamps, in the same order.</summary>
    protected static void AssertSameMessages(IReadOnlyList<LogMessage> expected, IReadOnlyList<LogMessage> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertSameMessage(expected[i], actual[i], i);
        }
    }

    private static void AssertSameMessage(LogMessage expected, LogMessage actual, int index)
    {
        Assert.True(expected.Source == actual.Source, $"message {index}: source {actual.Source}, expected {expected.Source}");
        Assert.True(expected.Line.Span.SequenceEqual(actual.Line.Span),
            $"message {index}: line {Show(actual.Line)}, expected {Show(expected.Line)}");
        Assert.True((expected.Timestamp - actual.Timestamp).Duration() <= TimestampTolerance,
            $"message {index}: time {actual.Timestamp:O}, expected {expected.Timestamp:O}");
    }

    // A reader racing a writer sees some stretch of what was written, each message whole; which stretch depends on timing.
    private static void AssertContiguousRun(IReadOnlyList<LogMessage> written, IReadOnlyList<LogMessage> read)
    {
        if (read.Count == 0)
        {
            return;
        }
        var start = written.ToList().FindIndex(m => m.Line.Span.SequenceEqual(read[0].Line.Span));
        Assert.True(start >= 0, $"read a message that was never written: {Show(read[0].Line)}");
        Assert.True(start + read.Count <= written.Count, "read more messages than were written");
        for (var i = 0; i < read.Count; i++)
        {
            AssertSameMessage(written[start + i], read[i], start + i);
        }
    }

    private ILogReader RequireReader(ILoggingDriver driver) =>
        driver.OpenReader(Context)
        ?? throw new InvalidOperationException($"{driver.Name} cannot read logs back; this suite is for drivers that can");

    private static string Show(ReadOnlyMemory<byte> line) => Encoding.UTF8.GetString(line.Span).ReplaceLineEndings("⏎");
}
