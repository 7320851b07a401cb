using System.Reflection;
using McMaster.NETCore.Plugins;
using Modular.Sdk;

namespace Modular.Kernel.Plugins;

/// <summary>
/// Loads a plugin with McMaster.NETCore.Plugins, sharing only the SDK (and through it the BCL) with the kernel, so a
/// plugin's private dependencies never clash with the kernel's or with another plugin's.
/// </summary>
public sealed class IsolatedPluginLoader : IPluginLoader
{
    private static readonly Type[] SharedTypes = [typeof(IDriverModule)];

    public IDriverModule LoadModule(string assemblyPath)
    {
        // Unloadable contexts are refused on purpose: a driver holding mounts or sockets cannot be unloaded safely.
        var loader = PluginLoader.CreateFromAssemblyFile(assemblyPath, isUnloadable: false, sharedTypes: SharedTypes);
        var assembly = loader.LoadDefaultAssembly();
        RejectNewerSdk(assembly);

        var moduleType = ReadModuleType(assembly)
            ?? throw new DriverException(DriverErrorKind.InvalidArgument,
                $"{assembly.GetName().Name} has no [assembly: DriverModule(typeof(...))] attribute");
        if (!typeof(IDriverModule).IsAssignableFrom(moduleType))
        {
            throw new DriverException(DriverErrorKind.InvalidArgument,
                $"{moduleType.FullName} does not implement the kernel's {nameof(IDriverModule)} (was the SDK shipped inside the plugin?)");
        }

        return (IDriverModule)(Activator.CreateInstance(moduleType)
            ?? throw new DriverException(DriverErrorKind.Internal, $"could not create {moduleType.FullName}"));
    }

    private static void RejectNewerSdk(Assembly assembly)
    {
        var sdkName = typeof(IDriverModule).Assembly.GetName();
        var referenced = assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == sdkName.Name);
        if (referenced?.Version is { } wanted && sdkName.Version is { } have && wanted > have)
        {
            throw new DriverException(DriverErrorKind.NotSupported,
                $"{assembly.GetName().Name} was built against {sdkName.Name} {wanted}, newer than this daemon's {have}");
        }
    }

    // Read the attribute's data rather than instantiating attributes: no other type of the plugin gets resolved.
    private static Type? ReadModuleType(Assembly assembly) =>
        assembly.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == typeof(DriverModuleAttribute).FullName)
            .Select(a => a.ConstructorArguments[0].Value as Type)
            .FirstOrDefault();
}
