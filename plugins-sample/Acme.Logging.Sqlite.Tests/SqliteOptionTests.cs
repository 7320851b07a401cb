using System.Text;
using Modular.Sdk;
using Modular.Sdk.Logging;
using Xunit;

namespace Acme.Logging.Sqlite.Tests;

/// <summary>What the driver adds to the kit: its own option.</summary>
public sealed class SqliteOptionTests : IDisposable
{
    private readonly string _container = Directory.CreateTempSubdirectory("acme-sqlite-").FullName;
    private readonly SqliteLoggingDriver _driver = new(new CollectingDriverLog());

    public void Dispose() => Directory.Delete(_container, recursive: true);

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("ten")]
    public void A_bad_max_rows_is_an_invalid_argument_naming_the_option(string value)
    {
        var error = Assert.Throws<DriverException>(() => _driver.ValidateOptions(new Dictionary<string, string> { ["max-rows"] = value }));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("max-rows", error.Message);
    }

    [Fact]
    public async Task Max_rows_keeps_only_the_newest_messages()
    {
        var context = new LogContext(new string('a', 64), "limited", _container, new Dictionary<string, string> { ["max-rows"] = "3" });
        using (var sink = _driver.CreateSink(context))
        {
            for (var i = 0; i < 10; i++)
            {
                sink.Log(new LogMessage(LogSource.Stdout, Encoding.UTF8.GetBytes($"line {i}\n"), DateTimeOffset.UtcNow));
            }
        }

        var read = new List<string>();
        await foreach (var message in _driver.OpenReader(context)!.ReadAsync(new LogReadOptions(), TestContext.Current.CancellationToken))
        {
            read.Add(Encoding.UTF8.GetString(message.Line.Span));
        }

        Assert.Equal(["line 7\n", "line 8\n", "line 9\n"], read);
    }
}
