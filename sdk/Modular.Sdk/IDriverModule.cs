namespace Modular.Sdk;

/// <summary>
/// The entry point of a plugin assembly. The kernel finds it through <see cref="DriverModuleAttribute"/>, creates
/// one instance with its parameterless constructor and calls <see cref="Register"/> once, at daemon start.
/// Register only declares factories; no driver is created until the kernel needs it.
/// </summary>
public interface IDriverModule
{
    /// <summary>Declares every driver this assembly provides.</summary>
    /// <param name="registrar">Collects the driver factories; names must be unique across all plugins.</param>
    void Register(IDriverRegistrar registrar);
}

/// <summary>
/// Names the <see cref="IDriverModule"/> of a plugin assembly: <c>[assembly: DriverModule(typeof(MyModule))]</c>.
/// The kernel reads this attribute instead of scanning types, so a missing private dependency of some
/// unrelated type cannot stop the plugin from loading.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class DriverModuleAttribute : Attribute
{
    /// <summary>Declares the module type.</summary>
    /// <param name="moduleType">A public class implementing <see cref="IDriverModule"/> with a parameterless constructor.</param>
    public DriverModuleAttribute(Type moduleType) => ModuleType = moduleType;

    /// <summary>The module type.</summary>
    public Type ModuleType { get; }
}
