using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Modular.Sdk;

namespace Modular.Kernel.Plugins.Installed;

/// <summary>
/// What must hold before a driver's payload is loaded, checked without loading any of it: the SDK it was built against
/// is one this daemon can serve, it carries no copy of an assembly the daemon shares, and every assembly it references
/// is either in the payload or provided by the daemon in at least the version it was built against.
/// </summary>
public static class PluginCompatibility
{
    /// <summary>The Modular.Sdk version this daemon carries (the package version, without build metadata).</summary>
    public static Version DaemonSdkVersion { get; } = ReadDaemonSdkVersion();

    /// <summary>Assemblies every plugin shares with the daemon: the SDK and what its public surface exposes.</summary>
    public static IReadOnlySet<string> SharedAssemblies { get; } = new HashSet<string>(
        [typeof(IDriverModule).Assembly.GetName().Name!, .. typeof(IDriverModule).Assembly.GetReferencedAssemblies().Select(a => a.Name!)],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Throws <see cref="DriverException"/> (InvalidArgument) naming the first problem found.</summary>
    public static void Check(string payloadFolder, string assembly, string sdkVersion)
    {
        CheckSdkVersion(assembly, sdkVersion);
        var managed = ManagedAssemblies(payloadFolder);
        // A private copy of a framework assembly is harmless (the default context's wins); of the SDK it is not.
        var shipped = managed.Keys.Where(n => SharedAssemblies.Contains(n) && !IsFrameworkAssembly(n)).ToList();
        if (shipped.Count > 0)
        {
            throw Refused($"{assembly} ships its own {string.Join(", ", shipped.Select(n => n + ".dll"))}, which the daemon shares with every driver; " +
                "reference Modular.Sdk compile-only (ExcludeAssets=\"runtime\" PrivateAssets=\"all\")");
        }
        foreach (var (file, references) in managed.Values)
        {
            foreach (var reference in references)
            {
                CheckReference(assembly, Path.GetFileName(file), reference, managed);
            }
        }
    }

    /// <summary>Same major version, and a minor version no newer than the daemon's.</summary>
    public static void CheckSdkVersion(string assembly, string sdkVersion)
    {
        var core = sdkVersion.Split('-', '+')[0];
        if (!Version.TryParse(core, out var wanted))
        {
            throw Refused($"{assembly} declares an unreadable Modular.Sdk version \"{sdkVersion}\"");
        }
        var have = DaemonSdkVersion;
        if (wanted.Major != have.Major || wanted.Minor > have.Minor)
        {
            throw Refused($"{assembly} was built against Modular.Sdk {sdkVersion}; this daemon provides Modular.Sdk {Format(have)} " +
                $"and loads drivers built against {have.Major}.0 up to {have.Major}.{have.Minor}");
        }
    }

    private static void CheckReference(string plugin, string file, AssemblyName reference, IReadOnlyDictionary<string, (string File, List<AssemblyName> References)> managed)
    {
        var name = reference.Name!;
        if (managed.TryGetValue(name, out var privateCopy) && !SharedAssemblies.Contains(name))
        {
            return;
        }
        var provided = DaemonAssemblyVersion(name);
        if (provided is null)
        {
            throw Refused($"{plugin}: {file} depends on {name} {reference.Version}, which neither the package nor the daemon provides (a missing dependency)");
        }
        if (reference.Version is { } wanted && wanted > provided)
        {
            var kind = SharedAssemblies.Contains(name) ? "shared" : "framework";
            throw Refused($"{plugin}: {file} was built against {name} {wanted}, newer than the daemon's {kind} {name} {provided}");
        }
    }

    // Every managed dll in the payload by assembly name, with the references it was compiled against; native files are skipped.
    private static Dictionary<string, (string File, List<AssemblyName> References)> ManagedAssemblies(string payloadFolder)
    {
        var result = new Dictionary<string, (string, List<AssemblyName>)>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(payloadFolder, "*.dll", SearchOption.AllDirectories))
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                continue;
            }
            var metadata = pe.GetMetadataReader();
            if (!metadata.IsAssembly)
            {
                continue;
            }
            var name = metadata.GetString(metadata.GetAssemblyDefinition().Name);
            var references = metadata.AssemblyReferences
                .Select(h => metadata.GetAssemblyReference(h))
                .Select(r => new AssemblyName(metadata.GetString(r.Name)) { Version = r.Version })
                .ToList();
            result.TryAdd(name, (file, references));
        }
        return result;
    }

    // What the default load context would bind: an assembly already loaded, else one of the daemon's trusted platform assemblies.
    private static Version? DaemonAssemblyVersion(string name)
    {
        // Only the default context: what other plugins loaded into theirs is not the daemon's to give.
        var loaded = System.Runtime.Loader.AssemblyLoadContext.Default.Assemblies
            .FirstOrDefault(a => string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase));
        if (loaded is not null)
        {
            return loaded.GetName().Version;
        }
        var trusted = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(p => string.Equals(Path.GetFileNameWithoutExtension(p), name, StringComparison.OrdinalIgnoreCase));
        return trusted is null ? null : AssemblyName.GetAssemblyName(trusted).Version;
    }

    private static bool IsFrameworkAssembly(string name) =>
        File.Exists(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), name + ".dll"));

    private static Version ReadDaemonSdkVersion()
    {
        var informational = typeof(IDriverModule).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return informational is not null && Version.TryParse(informational.Split('-', '+')[0], out var version)
            ? version
            : SdkContract.AssemblyVersion;
    }

    private static string Format(Version version) => $"{version.Major}.{version.Minor}.{Math.Max(version.Build, 0)}";

    private static DriverException Refused(string reason) => DriverException.InvalidArgument($"plugin refused: {reason}");
}
