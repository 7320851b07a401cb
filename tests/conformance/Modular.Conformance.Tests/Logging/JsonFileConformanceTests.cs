using Modular.Sdk.Conformance.Logging;
using Modular.Sdk.Logging;

namespace Modular.Conformance.Tests.Logging;

/// <summary>The logging conformance suite for json-file with Docker's defaults: one file, never rotated.</summary>
public sealed class JsonFileConformanceTests : LoggingDriverConformance
{
    protected override ILoggingDriver CreateDriver() => LoggingPluginHarness.Logging("Modular.Logging.JsonFile", "json-file");
}

/// <summary>The suite again with a rotation every few messages, so every read and follow crosses files.</summary>
public sealed class JsonFileRotatingConformanceTests : LoggingDriverConformance
{
    protected override IReadOnlyDictionary<string, string> LogOptions { get; } =
        new Dictionary<string, string> { ["max-size"] = "1k", ["max-file"] = "100" };

    protected override ILoggingDriver CreateDriver() => LoggingPluginHarness.Logging("Modular.Logging.JsonFile", "json-file");
}

/// <summary>The suite again with rotated files gzip-compressed.</summary>
public sealed class JsonFileCompressedConformanceTests : LoggingDriverConformance
{
    protected override IReadOnlyDictionary<string, string> LogOptions { get; } =
        new Dictionary<string, string> { ["max-size"] = "1k", ["max-file"] = "100", ["compress"] = "true" };

    protected override ILoggingDriver CreateDriver() => LoggingPluginHarness.Logging("Modular.Logging.JsonFile", "json-file");
}
