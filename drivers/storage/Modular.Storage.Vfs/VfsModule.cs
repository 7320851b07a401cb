using Modular.Sdk;
using Modular.Storage.Vfs;

[assembly: DriverModule(typeof(VfsModule))]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Modular.Storage.Vfs;

/// <summary>Registers the vfs storage driver.</summary>
public sealed class VfsModule : IDriverModule
{
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddStorageDriver(VfsStorageDriver.DriverName, context => new VfsStorageDriver(context));
}
