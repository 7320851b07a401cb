using Modular.Logging.JsonFile;
using Modular.Sdk;

[assembly: DriverModule(typeof(JsonFileModule))]
// Container logs live on the Linux host only; this also allows Unix file modes on the log files.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Modular.Logging.JsonFile;

/// <summary>Registers the json-file logging driver.</summary>
public sealed class JsonFileModule : IDriverModule
{
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddLoggingDriver(JsonFileLoggingDriver.DriverName, context => new JsonFileLoggingDriver(context.Log));
}
