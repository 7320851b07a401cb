using Modular.Sdk;
using Modular.Sdk.Logging;
using Xunit;

namespace Modular.Conformance.Tests.Logging;

/// <summary>json-file accepts what Docker's json-file accepts and refuses the rest with Docker's messages.</summary>
public sealed class JsonFileOptionTests
{
    private readonly ILoggingDriver _driver = LoggingPluginHarness.Logging("Modular.Logging.JsonFile", "json-file");

    [Theory]
    [InlineData("max-size", "10m")]
    [InlineData("max-size", "1.5KB")]
    [InlineData("max-size", "100")]
    [InlineData("max-size", "-1")]
    [InlineData("max-file", "1")]
    [InlineData("labels", "com.example.a,com.example.b")]
    [InlineData("labels-regex", "^com\\.")]
    [InlineData("env", "OS,VERSION")]
    [InlineData("env-regex", "^V")]
    [InlineData("tag", "{{.Name}}")]
    public void Docker_options_are_accepted(string key, string value)
    {
        _driver.ValidateOptions(new Dictionary<string, string> { [key] = value });
    }

    [Fact]
    public void Rotation_with_compression_is_accepted()
    {
        _driver.ValidateOptions(new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "3", ["compress"] = "true" });
    }

    [Fact]
    public void An_unknown_option_gets_dockers_message()
    {
        var error = Assert.Throws<DriverException>(() => _driver.ValidateOptions(new Dictionary<string, string> { ["max-buffer-size"] = "1m" }));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("unknown log opt 'max-buffer-size' for json-file log driver", error.Message);
    }

    [Theory]
    [InlineData("max-file", "0", "max-file cannot be less than 1")]
    [InlineData("max-file", "-3", "max-file cannot be less than 1")]
    [InlineData("max-file", "three", "invalid value 'three' for log opt 'max-file': max-file must be a positive number")]
    [InlineData("max-size", "0", "max-size must be a positive number")]
    [InlineData("max-size", "ten", "invalid value 'ten' for log opt 'max-size': expected a size such as 1024, 10k, 10m or 1g")]
    [InlineData("max-size", "10x", "invalid value '10x' for log opt 'max-size': expected a size such as 1024, 10k, 10m or 1g")]
    [InlineData("compress", "maybe", "invalid value 'maybe' for log opt 'compress': expected true or false")]
    [InlineData("compress", "true", "compress cannot be true when max-file is less than 2 or max-size is not set")]
    public void Bad_values_are_refused_naming_the_option(string key, string value, string message)
    {
        var error = Assert.Throws<DriverException>(() => _driver.ValidateOptions(new Dictionary<string, string> { [key] = value }));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Creating_a_sink_with_bad_options_fails_the_same_way()
    {
        using var container = new TempContainer();

        var error = Assert.Throws<DriverException>(() => _driver.CreateSink(container.Context(new Dictionary<string, string> { ["max-file"] = "0" })));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
    }

    [Theory]
    [InlineData("512", 512)]
    [InlineData("1b", 1)]
    [InlineData("1k", 1000)]
    [InlineData("1.5KB", 1500)]
    [InlineData("1KiB", 1000)]
    [InlineData("10m", 10_000_000)]
    [InlineData("10 MB", 10_000_000)]
    [InlineData("2g", 2_000_000_000)]
    public void Sizes_parse_like_dockers_from_human_size(string text, long bytes)
    {
        Assert.True(LogOptionRules.TryParseHumanSize(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("-1")]
    [InlineData("10x")]
    [InlineData("1kk")]
    [InlineData("1bb")]
    [InlineData("1kbit")]
    public void Non_sizes_do_not_parse(string text)
    {
        Assert.False(LogOptionRules.TryParseHumanSize(text, out _));
    }
}
