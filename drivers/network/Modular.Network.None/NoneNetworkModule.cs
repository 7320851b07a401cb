using Modular.Network.None;
using Modular.Sdk;

[assembly: DriverModule(typeof(NoneNetworkModule))]

namespace Modular.Network.None;

/// <summary>Registers the none network driver.</summary>
public sealed class NoneNetworkModule : IDriverModule
{
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddNetworkDriver(NoneNetworkDriver.DriverName, _ => new NoneNetworkDriver());
}
