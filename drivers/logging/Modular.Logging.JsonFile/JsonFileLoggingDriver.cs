using Modular.Sdk;
using Modular.Sdk.Logging;

namespace Modular.Logging.JsonFile;

/// <summary>
/// Docker's default logging driver: each container's output goes to <c>&lt;container dir&gt;/&lt;id&gt;-json.log</c>,
/// one JSON object per message, optionally rotated by size and gzip-compressed.
/// </summary>
public sealed class JsonFileLoggingDriver(IDriverLog log) : ILoggingDriver
{
    public const string DriverName = "json-file";

    public string Name => DriverName;

    public void ValidateOptions(IReadOnlyDictionary<string, string> options) => JsonFileOptions.Parse(options);

    public ILogSink CreateSink(LogContext context)
    {
        var options = JsonFileOptions.Parse(context.Options);
        return new JsonFileSink(LogFilePaths.For(context), options, log);
    }

    public ILogReader? OpenReader(LogContext context) => new JsonFileReader(LogFilePaths.For(context));
}
