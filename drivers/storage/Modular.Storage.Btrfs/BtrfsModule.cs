using Modular.Sdk;
using Modular.Storage.Btrfs;

[assembly: DriverModule(typeof(BtrfsModule))]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Modular.Storage.Btrfs;

/// <summary>Registers the btrfs storage driver.</summary>
public sealed class BtrfsModule : IDriverModule
{
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddStorageDriver(BtrfsStorageDriver.DriverName, context => new BtrfsStorageDriver(context));
}
