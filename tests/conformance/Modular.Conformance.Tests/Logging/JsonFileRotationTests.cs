using System.IO.Compression;
using System.Text;
using Modular.Sdk.Logging;
using Xunit;

namespace Modular.Conformance.Tests.Logging;

/// <summary>json-file rotation: max-size, max-file and compress, and readers across rotated files.</summary>
public sealed class JsonFileRotationTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 2, 15, 55, TimeSpan.Zero);
    // The driver first: if the plugin is missing the constructor throws before a directory exists to leak.
    private readonly ILoggingDriver _driver = LoggingPluginHarness.Logging("Modular.Logging.JsonFile", "json-file");
    private readonly TempContainer _container = new();

    public void Dispose() => _container.Dispose();

    [Fact]
    public async Task Max_size_and_max_file_bound_the_files_and_the_newest_messages_survive()
    {
        var options = Options(("max-size", "250"), ("max-file", "3"));
        var written = Messages(40);

        Write(options, written);

        Assert.Equal(
            [_container.LogPath, _container.LogPath + ".1", _container.LogPath + ".2"],
            Directory.GetFiles(_container.Directory).Order(StringComparer.Ordinal));
        foreach (var file in Directory.GetFiles(_container.Directory))
        {
            Assert.InRange(new FileInfo(file).Length, 1, 250);
        }
        var kept = Directory.GetFiles(_container.Directory).Sum(f => File.ReadAllLines(f).Length);
        AssertSame(written.TakeLast(kept).ToList(), await ReadAllAsync(options, new LogReadOptions()));
        AssertSame(written.TakeLast(2).ToList(), await ReadAllAsync(options, new LogReadOptions(Tail: 2)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(1000)]
    public void Batched_writes_rotate_at_the_same_messages_as_single_ones(int batch)
    {
        var options = Options(("max-size", "250"), ("max-file", "5"));
        var written = Messages(40);
        using var expected = new TempContainer();
        using (var single = _driver.CreateSink(expected.Context(options)))
        {
            foreach (var message in written)
            {
                single.Log(message);
                single.Flush();
            }
        }

        using (var sink = _driver.CreateSink(_container.Context(options)))
        {
            for (var i = 0; i < written.Count; i++)
            {
                sink.Log(written[i]);
                if ((i + 1) % batch == 0)
                {
                    sink.Flush();
                }
            }
        }

        var singleFiles = RotationSuffixes(expected);
        var batchedFiles = RotationSuffixes(_container);
        Assert.Equal(5, singleFiles.Count);
        Assert.Equal(singleFiles.Keys, batchedFiles.Keys);
        foreach (var (suffix, path) in singleFiles)
        {
            Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(batchedFiles[suffix]));
        }
    }

    // The container's log files keyed by what follows "<id>-json.log" ("", ".1", ".2"...).
    private static SortedDictionary<string, string> RotationSuffixes(TempContainer container) =>
        new(Directory.GetFiles(container.Directory).ToDictionary(f => f[container.LogPath.Length..], f => f), StringComparer.Ordinal);

    [Fact]
    public async Task With_one_file_the_log_restarts_when_full()
    {
        var options = Options(("max-size", "250"), ("max-file", "1"));
        var written = Messages(40);

        Write(options, written);

        Assert.Equal([_container.LogPath], Directory.GetFiles(_container.Directory));
        var kept = File.ReadAllLines(_container.LogPath).Length;
        Assert.InRange(kept, 1, 3);
        AssertSame(written.TakeLast(kept).ToList(), await ReadAllAsync(options, new LogReadOptions()));
    }

    [Fact]
    public void A_message_larger_than_max_size_gets_a_file_of_its_own()
    {
        var options = Options(("max-size", "1b"), ("max-file", "10"));

        Write(options, Messages(5));

        var files = Directory.GetFiles(_container.Directory);
        Assert.Equal(5, files.Length);
        Assert.All(files, f => Assert.Single(File.ReadAllLines(f)));
    }

    [Fact]
    public async Task Compressed_rotated_files_are_gzip_and_read_back_in_order()
    {
        var options = Options(("max-size", "250"), ("max-file", "4"), ("compress", "true"));
        var written = Messages(40);

        Write(options, written);

        Assert.Equal(
            [_container.LogPath, _container.LogPath + ".1.gz", _container.LogPath + ".2.gz", _container.LogPath + ".3.gz"],
            Directory.GetFiles(_container.Directory).Order(StringComparer.Ordinal));
        var rotatedLines = new List<string>();
        for (var k = 3; k >= 1; k--)
        {
            using var gzip = new GZipStream(File.OpenRead($"{_container.LogPath}.{k}.gz"), CompressionMode.Decompress);
            using var text = new StreamReader(gzip);
            rotatedLines.AddRange(text.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.All(rotatedLines, line => Assert.StartsWith("{\"log\":\"line ", line));
        var kept = rotatedLines.Count + File.ReadAllLines(_container.LogPath).Length;
        AssertSame(written.TakeLast(kept).ToList(), await ReadAllAsync(options, new LogReadOptions()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_follower_keeps_up_across_hundreds_of_rotations(bool compress)
    {
        var options = compress
            ? Options(("max-size", "200"), ("max-file", "1000"), ("compress", "true"))
            : Options(("max-size", "200"), ("max-file", "1000"));
        var written = Messages(500);
        var writerClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var sink = _driver.CreateSink(_container.Context(options));
        Task<List<LogMessage>> reading;
        try
        {
            reading = ReadAllAsync(options, new LogReadOptions(Follow: true, WriterClosed: writerClosed.Task), timeout.Token);
            // Flushed in uneven batches, as the copier flushes after each read: rotations fall inside batches.
            await Task.Run(() =>
            {
                for (var i = 0; i < written.Count; i++)
                {
                    sink.Log(written[i]);
                    if (i % 3 == 2)
                    {
                        sink.Flush();
                    }
                }
            }, timeout.Token);
        }
        finally
        {
            sink.Dispose();
            writerClosed.TrySetResult();
        }

        AssertSame(written, await reading);
    }

    private Dictionary<string, string> Options(params (string Key, string Value)[] options) =>
        options.ToDictionary(o => o.Key, o => o.Value);

    private static List<LogMessage> Messages(int count) =>
        Enumerable.Range(0, count)
            .Select(i => new LogMessage(i % 3 == 0 ? LogSource.Stderr : LogSource.Stdout, Encoding.UTF8.GetBytes($"line {i:D4}\n"), Start.AddMilliseconds(i)))
            .ToList();

    private void Write(IReadOnlyDictionary<string, string> options, IEnumerable<LogMessage> messages)
    {
        using var sink = _driver.CreateSink(_container.Context(options));
        foreach (var message in messages)
        {
            sink.Log(message);
        }
    }

    private async Task<List<LogMessage>> ReadAllAsync(IReadOnlyDictionary<string, string> options, LogReadOptions read, CancellationToken? cancellationToken = null)
    {
        var messages = new List<LogMessage>();
        await foreach (var message in _driver.OpenReader(_container.Context(options))!.ReadAsync(read, cancellationToken ?? TestContext.Current.CancellationToken))
        {
            messages.Add(message);
        }
        return messages;
    }

    private static void AssertSame(IReadOnlyList<LogMessage> expected, IReadOnlyList<LogMessage> actual)
    {
        Assert.Equal(
            expected.Select(m => (m.Source, Encoding.UTF8.GetString(m.Line.Span), m.Timestamp)),
            actual.Select(m => (m.Source, Encoding.UTF8.GetString(m.Line.Span), m.Timestamp)));
    }
}
