using Modular.Sdk;

namespace Modular.Kernel.Plugins;

/// <summary>
/// Loads one plugin assembly into a load context of its own and returns its module. Kept behind an interface so the
/// third-party loader library can be swapped for an in-house AssemblyLoadContext without touching the catalog.
/// </summary>
public interface IPluginLoader
{
    IDriverModule LoadModule(string assemblyPath);
}
