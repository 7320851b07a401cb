using System.Reflection;
using Modular.Sdk;

namespace Modular.Kernel.Plugins;

/// <summary>
/// Loads a plugin into a <see cref="PluginLoadContext"/> of its own, sharing only the SDK (and through it the BCL) with
/// the kernel, so a plugin's private dependencies never clash with the kernel's or with another plugin's.
/// </summary>
public sealed class IsolatedPluginLoader : IPluginLoader
{
    public IDriverModule LoadModule(string assemblyPath)
    {
        var fullPath = Path.GetFullPath(assemblyPath);
        var assembly = new PluginLoadContext(fullPath).LoadFromAssemblyPath(fullPath);
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
