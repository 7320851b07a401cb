using System.Text;
using Modular.Sdk.Logging;
using Xunit;

namespace Modular.Conformance.Tests.Logging;

/// <summary>json-file writes and reads Docker's exact on-disk format.</summary>
public sealed class JsonFileFormatTests : IDisposable
{
    private static readonly DateTimeOffset Time = new DateTimeOffset(2026, 11, 28, 2, 15, 55, TimeSpan.Zero).AddTicks(1234567);
    // The driver first: if the plugin is missing the constructor throws before a directory exists to leak.
    private readonly ILoggingDriver _driver = LoggingPluginHarness.Logging("Modular.Logging.JsonFile", "json-file");
    private readonly TempContainer _container = new();

    public void Dispose() => _container.Dispose();

    [Fact]
    public void A_line_is_written_exactly_as_dockerd_writes_it()
    {
        Log(new LogMessage(LogSource.Stdout, "hello\n"u8.ToArray(), Time));

        Assert.Equal("{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-28T02:15:55.1234567Z\"}\n", File.ReadAllText(_container.LogPath));
    }

    [Theory]
    [InlineData(0, "2026-11-28T02:15:55Z")]
    [InlineData(1_000_000, "2026-11-28T02:15:55.1Z")]
    [InlineData(1_230_000, "2026-11-28T02:15:55.123Z")]
    [InlineData(1, "2026-11-28T02:15:55.0000001Z")]
    public void The_time_is_go_rfc3339_nano_with_trailing_zeros_trimmed(long ticks, string expected)
    {
        var local = new DateTimeOffset(2026, 11, 28, 4, 15, 55, TimeSpan.FromHours(2)).AddTicks(ticks);

        Log(new LogMessage(LogSource.Stderr, "x"u8.ToArray(), local));

        Assert.Equal($"{{\"log\":\"x\",\"stream\":\"stderr\",\"time\":\"{expected}\"}}\n", File.ReadAllText(_container.LogPath));
    }

    [Fact]
    public void The_log_text_is_escaped_as_go_escapes_it()
    {
        byte[] line = [.. "q\"b\\t\tr\rlt<gt>amp&"u8, 0x01, 0x1f, 0x7f, .. "\u2028\u2029é🚀"u8, 0xff, .. "\n"u8];

        Log(new LogMessage(LogSource.Stdout, line, Time));

        var expected = "{\"log\":\"q\\\"b\\\\t\\u0009r\\rlt\\u003cgt\\u003eamp\\u0026\\u0001\\u001f\u007f\\u2028\\u2029é🚀\\ufffd\\n\","
            + "\"stream\":\"stdout\",\"time\":\"2026-11-28T02:15:55.1234567Z\"}\n";
        Assert.Equal(expected, File.ReadAllText(_container.LogPath));
    }

    [Fact]
    public async Task Escaped_text_reads_back_as_the_original_bytes()
    {
        byte[] line = [.. "q\"b\\t\tr\rlt<gt>amp&"u8, 0x00, 0x01, 0x1f, 0x7f, .. "\u2028é🚀\n"u8];

        Log(new LogMessage(LogSource.Stderr, line, Time));
        var read = await ReadAllAsync();

        var message = Assert.Single(read);
        Assert.Equal(line, message.Line.ToArray());
        Assert.Equal(LogSource.Stderr, message.Source);
        Assert.Equal(Time, message.Timestamp);
    }

    [Fact]
    public async Task Invalid_utf8_is_replaced_like_dockerd_does_one_replacement_per_byte()
    {
        Log(new LogMessage(LogSource.Stdout, new byte[] { (byte)'a', 0xe2, 0x82, (byte)'b', 0xff }, Time));

        var message = Assert.Single(await ReadAllAsync());
        Assert.Equal("a\uFFFD\uFFFDb\uFFFD", Encoding.UTF8.GetString(message.Line.Span));
    }

    [Fact]
    public void The_escaping_matches_a_line_captured_from_dockerd()
    {
        // Written by dockerd 20.10.24 for: printf 'q"b\\t\tr\rlt<gt>amp&\001\037\177\342\200\250\303\251\n' >&2
        const string dockerd = "{\"log\":\"q\\\"b\\\\t\\u0009r\\rlt\\u003cgt\\u003eamp\\u0026\\u0001\\u001f\u007f\\u2028é\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-28T02:31:30.3824906Z\"}\n";
        byte[] line = [.. "q\"b\\t\tr\rlt<gt>amp&"u8, 0x01, 0x1f, 0x7f, 0xe2, 0x80, 0xa8, 0xc3, 0xa9, (byte)'\n'];

        Log(new LogMessage(LogSource.Stderr, line, DateTimeOffset.Parse("2026-11-28T02:31:30.3824906Z", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(dockerd, File.ReadAllText(_container.LogPath));
    }

    [Fact]
    public void An_empty_message_has_no_log_field()
    {
        Log(new LogMessage(LogSource.Stdout, Array.Empty<byte>(), Time));

        Assert.Equal("{\"stream\":\"stdout\",\"time\":\"2026-11-28T02:15:55.1234567Z\"}\n", File.ReadAllText(_container.LogPath));
    }

    [Fact]
    public async Task Files_written_by_dockerd_are_read_including_attrs_nanoseconds_and_offsets()
    {
        File.WriteAllText(_container.LogPath,
            "{\"log\":\"from docker\\u003c\\n\",\"stream\":\"stderr\",\"attrs\":{\"tag\":\"web\"},\"time\":\"2026-11-28T02:15:55.123456789Z\"}\n"
            + "not json at all\n"
            + "{\"log\":\"offset\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-28T04:15:56+02:00\"}\n"
            + "{\"log\":\"cut short by a cra");

        var read = await ReadAllAsync();

        Assert.Equal(2, read.Count);
        Assert.Equal("from docker<\n", Encoding.UTF8.GetString(read[0].Line.Span));
        Assert.Equal(LogSource.Stderr, read[0].Source);
        Assert.Equal(Time, read[0].Timestamp);
        Assert.Equal("offset\n", Encoding.UTF8.GetString(read[1].Line.Span));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 2, 15, 56, TimeSpan.Zero), read[1].Timestamp);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_log_file_is_created_beside_the_container_with_mode_0640()
    {
        using (_driver.CreateSink(_container.Context()))
        {
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(_container.LogPath));
        Assert.Equal([_container.LogPath], Directory.GetFiles(_container.Directory));
    }

    private void Log(LogMessage message)
    {
        using var sink = _driver.CreateSink(_container.Context());
        sink.Log(message);
    }

    private async Task<List<LogMessage>> ReadAllAsync()
    {
        var read = new List<LogMessage>();
        await foreach (var message in _driver.OpenReader(_container.Context())!.ReadAsync(new LogReadOptions(), TestContext.Current.CancellationToken))
        {
            read.Add(message);
        }
        return read;
    }
}
