using Modular.Sdk;
using Modular.Storage.Overlay2;

[assembly: DriverModule(typeof(Overlay2Module))]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Modular.Storage.Overlay2;

/// <summary>Registers the overlay2 storage driver.</summary>
public sealed class Overlay2Module : IDriverModule
{
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddStorageDriver(Overlay2StorageDriver.DriverName, context => new Overlay2StorageDriver(context));
}
