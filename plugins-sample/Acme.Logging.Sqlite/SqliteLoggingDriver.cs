using Modular.Sdk;
using Modular.Sdk.Logging;

namespace Acme.Logging.Sqlite;

/// <summary>
/// Stores each container's output in <c>&lt;container dir&gt;/container-logs.sqlite</c>, one row per message, and reads
/// it back for <c>docker logs</c> (tail, since, until, follow).
/// </summary>
public sealed class SqliteLoggingDriver(IDriverLog log) : ILoggingDriver
{
    /// <summary>The name users select: <c>--log-driver sqlite</c> or <c>"log-driver": "sqlite"</c>.</summary>
    public const string DriverName = "sqlite";

    /// <inheritdoc />
    public string Name => DriverName;

    /// <inheritdoc />
    public void ValidateOptions(IReadOnlyDictionary<string, string> options) => SqliteLogOptions.Parse(options);

    /// <inheritdoc />
    public ILogSink CreateSink(LogContext context)
    {
        var options = SqliteLogOptions.Parse(context.Options);
        log.Debug($"logging container {context.ContainerId} to {LogDatabase.PathFor(context)}");
        return new SqliteLogSink(LogDatabase.PathFor(context), options);
    }

    /// <inheritdoc />
    public ILogReader? OpenReader(LogContext context) => new SqliteLogReader(LogDatabase.PathFor(context));
}
