using System.Globalization;
using Modular.Sdk;
using Modular.Sdk.Logging;

namespace Acme.Logging.Sqlite;

/// <summary>The driver's <c>--log-opt</c>s: <c>max-rows</c> keeps only the newest N messages (default: keep all).</summary>
internal sealed record SqliteLogOptions(long? MaxRows)
{
    private const string MaxRowsKey = "max-rows";

    public static SqliteLogOptions Parse(IReadOnlyDictionary<string, string> options)
    {
        LogOptionRules.RejectUnknownKeys(options, SqliteLoggingDriver.DriverName, [MaxRowsKey]);
        if (!options.TryGetValue(MaxRowsKey, out var text))
        {
            return new SqliteLogOptions(MaxRows: null);
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) || rows < 1)
        {
            throw DriverException.InvalidArgument($"invalid value for {MaxRowsKey}: \"{text}\" (a whole number of messages, at least 1)");
        }
        return new SqliteLogOptions(rows);
    }
}
