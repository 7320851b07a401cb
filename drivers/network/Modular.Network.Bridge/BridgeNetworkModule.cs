using Modular.Network.Bridge;
using Modular.Sdk;

[assembly: DriverModule(typeof(BridgeNetworkModule))]

namespace Modular.Network.Bridge;

/// <summary>Registers the bridge network driver.</summary>
public sealed class BridgeNetworkModule : IDriverModule
{
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddNetworkDriver(BridgeNetworkDriver.DriverName, context => new BridgeNetworkDriver(context.Log, BridgeDriverOptions.From(context.Options)));
}
