using Modular.Kernel.Plugins;
using Modular.Kernel.Plugins.Installed;
using Modular.Sdk;
using Modular.Verify;
using Xunit.Runner.InProc.SystemConsole;

// modular-verify <package.nupkg | plugin folder> [--driver NAME]
// Checks and loads the driver the way the daemon does, then runs the conformance kit for its kind with xunit's
// in-process console runner, which prints each check (passed, failed, skipped with the reason) and the totals.
// Exit status: 0 when every check passed or was skipped, 1 on a failure, 2 when the driver could not be loaded.

if (args.Length is not (1 or 3) || (args.Length == 3 && args[1] != "--driver"))
{
    Console.Error.WriteLine("usage: modular-verify <package.nupkg | plugin folder> [--driver NAME]");
    return 2;
}

var scratch = Directory.CreateTempSubdirectory("modular-verify-").FullName;
try
{
    DriverUnderTest target;
    try
    {
        target = DriverUnderTest.Load(args[0], scratch, args.Length == 3 ? args[2] : null);
    }
    catch (Exception e) when (e is DriverException or IOException or BadImageFormatException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"modular-verify: {e.Message}");
        return 2;
    }

    VerifyTarget.Set(target.PluginName, target.Module, target.DriverName);
    Console.WriteLine($"Verifying {target.Kind.ToString().ToLowerInvariant()} driver \"{target.DriverName}\" of {target.Description}");
    if (target.Kit is null)
    {
        Console.WriteLine($"No conformance kit covers {target.Kind.ToString().ToLowerInvariant()} driver \"{target.DriverName}\": {target.NoKitReason}");
        Console.WriteLine("0 passed, 0 failed, 1 skipped");
        return 0;
    }
    var results = Path.Combine(scratch, "results.xml");
    await ConsoleRunner.Run(
    [
        "-class", target.Kit.FullName!,
        "-reporter", "silent",
        "-noLogo",
        "-noColor",
        "-methodDisplay", "method",
        "-methodDisplayOptions", "replaceUnderscoreWithSpace",
        // Tests of one kit share nothing but the loaded module; the kit's timing-sensitive tests prefer one at a time.
        "-parallelMode", "none",
        "-result-xml", results,
    ]);
    return VerifyReport.Print(results, Console.Out);
}
finally
{
    Directory.Delete(scratch, recursive: true);
}

/// <summary>The driver picked from a package or folder, with the kit that verifies it.</summary>
internal sealed record DriverUnderTest(string PluginName, IDriverModule Module, DriverKind Kind, string DriverName, string Description, Type? Kit, string NoKitReason)
{
    public static DriverUnderTest Load(string source, string scratch, string? wanted)
    {
        string payload;
        string assembly;
        string description;
        if (File.Exists(source))
        {
            payload = Path.Combine(scratch, "plugin", "driver");
            using var package = File.OpenRead(source);
            var extracted = DriverPackage.Extract(package, payload);
            PluginCompatibility.Check(payload, extracted.Assembly, extracted.SdkVersion);
            (assembly, description) = (extracted.Assembly, $"{extracted.Id} {extracted.Version} (built against Modular.Sdk {extracted.SdkVersion})");
        }
        else if (File.Exists(Path.Combine(source, DriverPackage.ManifestName)))
        {
            payload = source;
            var manifest = DriverPackage.ReadManifest(source);
            PluginCompatibility.Check(payload, manifest.Assembly, manifest.SdkVersion);
            (assembly, description) = (manifest.Assembly, $"{manifest.Assembly} in {source} (built against Modular.Sdk {manifest.SdkVersion})");
        }
        else
        {
            // A built-in plugin folder: <folder>/<folder>.dll, as the daemon's plugins/ holds them.
            payload = source;
            assembly = Path.GetFileName(Path.TrimEndingDirectorySeparator(source));
            description = $"{assembly} in {source}";
        }

        var module = new IsolatedPluginLoader().LoadModule(Path.Combine(payload, assembly + ".dll"));
        var probe = new DriverCatalog(Path.Combine(scratch, "data"), Path.Combine(scratch, "exec"), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        probe.RegisterModule(assembly, module);
        var drivers = Enum.GetValues<DriverKind>().SelectMany(kind => probe.Names(kind).Select(name => (Kind: kind, Name: name))).ToList();
        if (drivers.Count == 0)
        {
            throw DriverException.InvalidArgument($"{assembly} registers no driver");
        }
        var chosen = wanted is null
            ? drivers.Count == 1 ? drivers[0] : throw DriverException.InvalidArgument(
                $"{assembly} provides several drivers ({string.Join(", ", drivers.Select(d => d.Name))}); choose one with --driver")
            : drivers.FirstOrDefault(d => d.Name == wanted) is { Name: not null } found ? found
            : throw DriverException.NotFound($"{assembly} has no driver named \"{wanted}\" (it provides {string.Join(", ", drivers.Select(d => d.Name))})");

        var (kit, reason) = KitFor(probe, chosen.Kind, chosen.Name);
        return new DriverUnderTest(assembly, module, chosen.Kind, chosen.Name, description, kit, reason);
    }

    private static (Type? Kit, string Reason) KitFor(DriverCatalog probe, DriverKind kind, string name)
    {
        switch (kind)
        {
            case DriverKind.Logging:
                // The logging kit reads logs back; a write-only driver (like "none") has nothing it can check.
                var driver = probe.Logging(name);
                var context = new Modular.Sdk.Logging.LogContext(new string('0', 64), "verify", Path.GetTempPath(), new Dictionary<string, string>());
                return driver.OpenReader(context) is null
                    ? (null, "it cannot read logs back, and the logging kit checks what is read back")
                    : (typeof(LoggingConformance), "");
            case DriverKind.Storage:
                return (typeof(StorageConformance), "");
            default:
                return probe.Network(name).Capabilities.UserDefinable
                    ? (null, "the network kit covers drivers that plumb nothing (none/host style); user-definable network drivers have no kit yet")
                    : (typeof(SandboxlessNetworkConformance), "");
        }
    }
}
