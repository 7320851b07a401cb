using Modular.Network.Macvlan;
using Modular.Sdk;

[assembly: DriverModule(typeof(MacvlanNetworkModule))]

namespace Modular.Network.Macvlan;

/// <summary>Registers the macvlan network driver.</summary>
public sealed class MacvlanNetworkModule : IDriverModule
{
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddNetworkDriver(MacvlanNetworkDriver.DriverName, context => new MacvlanNetworkDriver(context));
}
