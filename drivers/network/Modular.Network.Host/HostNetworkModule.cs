using Modular.Network.Host;
using Modular.Sdk;

[assembly: DriverModule(typeof(HostNetworkModule))]

namespace Modular.Network.Host;

/// <summary>Registers the host network driver.</summary>
public sealed class HostNetworkModule : IDriverModule
{
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddNetworkDriver(HostNetworkDriver.DriverName, _ => new HostNetworkDriver());
}
