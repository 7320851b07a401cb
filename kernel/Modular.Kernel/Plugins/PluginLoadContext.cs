using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Modular.Kernel.Plugins.Installed;

namespace Modular.Kernel.Plugins;

/// <summary>
/// The load context of one plugin: its private dependencies come from its own folder (through its deps.json, native
/// libraries included), while the SDK and what the SDK's public surface exposes, and the framework's own assemblies,
/// come from the daemon's default context so that the contracts exist once.
/// </summary>
/// <remarks>
/// Shared assemblies are decided by name, one at a time, when the plugin first asks for them. Walking the SDK's
/// reference graph up front (what McMaster.NETCore.Plugins does for shared types) reaches netstandard.dll through
/// Tmds.LibC and from there loads every assembly of the framework: about a hundred, 40 MiB of an idle daemon.
/// </remarks>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private static readonly string FrameworkDirectory = RuntimeEnvironment.GetRuntimeDirectory();

    private readonly AssemblyDependencyResolver _resolver;

    // Not collectible on purpose: a driver holding mounts or sockets cannot be unloaded safely.
    public PluginLoadContext(string assemblyPath)
        : base($"plugin {Path.GetFileNameWithoutExtension(assemblyPath)}", isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(assemblyPath);
    }

    protected override Assembly? Load(AssemblyName name)
    {
        if (PreferDaemon(name.Name) && TryDefault(name) is { } shared)
        {
            return shared;
        }
        return _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;

    private static bool PreferDaemon(string? name) =>
        name is not null
        && (PluginCompatibility.SharedAssemblies.Contains(name) || File.Exists(Path.Combine(FrameworkDirectory, name + ".dll")));

    // A plugin needing a newer framework assembly than the daemon's falls back to its own copy, if it carries one.
    private static Assembly? TryDefault(AssemblyName name)
    {
        try
        {
            return Default.LoadFromAssemblyName(name);
        }
        catch (FileLoadException)
        {
            return null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
