using Modular.Logging.None;
using Modular.Sdk;

[assembly: DriverModule(typeof(NoneLoggingModule))]

namespace Modular.Logging.None;

/// <summary>Registers the none logging driver.</summary>
public sealed class NoneLoggingModule : IDriverModule
{
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddLoggingDriver(NoneLoggingDriver.DriverName, _ => new NoneLoggingDriver());
}
