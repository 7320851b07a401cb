using Acme.Logging.Sqlite;
using Modular.Sdk.Conformance.Logging;
using Modular.Sdk.Logging;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Acme.Logging.Sqlite.Tests;

/// <summary>The whole logging conformance kit against the sqlite driver, created directly (no daemon needed).</summary>
public sealed class SqliteConformanceTests : LoggingDriverConformance
{
    protected override ILoggingDriver CreateDriver() => new SqliteLoggingDriver(new CollectingDriverLog());
}

/// <summary>The kit again with a row limit far above what it writes, so the trimming statement runs on every insert.</summary>
public sealed class SqliteWithRowLimitConformanceTests : LoggingDriverConformance
{
    protected override IReadOnlyDictionary<string, string> LogOptions { get; } = new Dictionary<string, string> { ["max-rows"] = "100000" };

    protected override ILoggingDriver CreateDriver() => new SqliteLoggingDriver(new CollectingDriverLog());
}
