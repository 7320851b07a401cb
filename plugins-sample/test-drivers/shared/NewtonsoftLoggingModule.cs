using Modular.Sdk;
using Modular.Sdk.Logging;
using Newtonsoft.Json;

[assembly: DriverModule(typeof(Acme.Test.NewtonsoftLoggingModule))]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Acme.Test;

/// <summary>Registers a write-only logging driver named after the Newtonsoft.Json version this plugin loaded.</summary>
public sealed class NewtonsoftLoggingModule : IDriverModule
{
    /// <inheritdoc />
    public void Register(IDriverRegistrar registrar)
    {
        var version = typeof(JsonConvert).Assembly.GetName().Version!;
        var name = $"newtonsoft-{version.Major}.{version.Minor}";
        registrar.AddLoggingDriver(name, _ => new NewtonsoftLoggingDriver(name));
    }
}

/// <summary>Serializes each message with Newtonsoft.Json into <c>&lt;container dir&gt;/newtonsoft.log</c>, so the private dependency is really used.</summary>
public sealed class NewtonsoftLoggingDriver(string name) : ILoggingDriver
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public void ValidateOptions(IReadOnlyDictionary<string, string> options) => LogOptionRules.RejectUnknownKeys(options, name, []);

    /// <inheritdoc />
    public ILogSink CreateSink(LogContext context) => new Sink(Path.Combine(context.ContainerDirectory, "newtonsoft.log"));

    /// <inheritdoc />
    public ILogReader? OpenReader(LogContext context) => null;

    private sealed class Sink(string path) : ILogSink
    {
        public void Log(LogMessage message) =>
            File.AppendAllText(path, JsonConvert.SerializeObject(new { stream = message.Source.ToString(), log = System.Text.Encoding.UTF8.GetString(message.Line.Span) }) + "\n");

        public void Dispose()
        {
        }
    }
}
