using Modular.Sdk;

namespace Modular.Kernel.Tests.Plugins;

/// <summary>A driver module whose registrations each test spells out, standing in for a plugin's module class.</summary>
internal sealed class RegisteringModule(Action<IDriverRegistrar> register) : IDriverModule
{
    public void Register(IDriverRegistrar registrar) => register(registrar);
}
