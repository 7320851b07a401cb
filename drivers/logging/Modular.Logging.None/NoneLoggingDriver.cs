using Modular.Sdk.Logging;

namespace Modular.Logging.None;

/// <summary>Discards every message. It takes no options, and has nothing to read back.</summary>
public sealed class NoneLoggingDriver : ILoggingDriver
{
    public const string DriverName = "none";

    public string Name => DriverName;

    public void ValidateOptions(IReadOnlyDictionary<string, string> options) =>
        LogOptionRules.RejectUnknownKeys(options, DriverName, []);

    public ILogSink CreateSink(LogContext context) => DiscardingSink.Instance;

    public ILogReader? OpenReader(LogContext context) => null;

    private sealed class DiscardingSink : ILogSink
    {
        public static readonly DiscardingSink Instance = new();

        public void Log(LogMessage message)
        {
            // Dropping the message is this driver's whole purpose.
        }

        public void Dispose()
        {
            // Holds nothing: one instance serves every container.
        }
    }
}
