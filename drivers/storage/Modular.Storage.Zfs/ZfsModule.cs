using Modular.Sdk;
using Modular.Storage.Zfs;

[assembly: DriverModule(typeof(ZfsModule))]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Modular.Storage.Zfs;

/// <summary>Registers the zfs storage driver.</summary>
public sealed class ZfsModule : IDriverModule
{
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddStorageDriver(ZfsStorageDriver.DriverName, context => new ZfsStorageDriver(context));
}
