using Modular.Sdk;

[assembly: DriverModule(typeof(Acme.Test.ThrowingModule))]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Acme.Test;

/// <summary>A module whose registration fails, as a driver with a broken start-up would.</summary>
public sealed class ThrowingModule : IDriverModule
{
    /// <inheritdoc />
    public void Register(IDriverRegistrar registrar) =>
        throw new InvalidOperationException("Acme.Test.ThrowsInRegister refuses to register (a deliberately broken test driver)");
}
