using Modular.Sdk;
using Modular.Sdk.Logging;
using Xunit;

namespace Modular.Conformance.Tests.Logging;

/// <summary>The none driver discards output, cannot be read, and takes no options.</summary>
public sealed class NoneLoggingDriverTests
{
    private readonly ILoggingDriver _driver = LoggingPluginHarness.Logging("Modular.Logging.None", "none");

    [Fact]
    public void It_is_named_none_and_accepts_no_options()
    {
        Assert.Equal("none", _driver.Name);
        _driver.ValidateOptions(new Dictionary<string, string>());
    }

    [Theory]
    [InlineData("max-size")]
    [InlineData("tag")]
    public void Any_option_is_refused_with_dockers_message(string key)
    {
        var error = Assert.Throws<DriverException>(() => _driver.ValidateOptions(new Dictionary<string, string> { [key] = "1" }));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"unknown log opt '{key}' for none log driver", error.Message);
    }

    [Fact]
    public void Output_is_dropped_and_there_is_nothing_to_read()
    {
        using var container = new TempContainer();

        using (var sink = _driver.CreateSink(container.Context()))
        {
            sink.Log(new LogMessage(LogSource.Stdout, "dropped\n"u8.ToArray(), DateTimeOffset.UtcNow));
        }

        Assert.Null(_driver.OpenReader(container.Context()));
        Assert.Empty(Directory.GetFileSystemEntries(container.Directory));
    }
}
