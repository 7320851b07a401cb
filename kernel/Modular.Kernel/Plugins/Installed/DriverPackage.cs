using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Modular.Sdk;

namespace Modular.Kernel.Plugins.Installed;

/// <summary>
/// A driver package (.nupkg) as <c>dotnet pack</c> with Modular.Sdk's targets makes it: a nuspec declaring the
/// <c>ModularDriver</c> package type, and the driver's publish output under <c>driver/</c> with a
/// <c>modular-driver.json</c> manifest naming the assembly and the SDK version it was built against.
/// </summary>
public sealed partial class DriverPackage
{
    public const string PackageType = "ModularDriver";
    public const string PayloadFolder = "driver/";
    public const string ManifestName = "modular-driver.json";

    private DriverPackage(string id, string version, string assembly, string sdkVersion)
    {
        Id = id;
        Version = version;
        Assembly = assembly;
        SdkVersion = sdkVersion;
    }

    public string Id { get; }

    public string Version { get; }

    /// <summary>The driver assembly's name, without .dll.</summary>
    public string Assembly { get; }

    /// <summary>The Modular.Sdk package version the driver was built against.</summary>
    public string SdkVersion { get; }

    /// <summary>Checks the package's declaration and layout and extracts its payload into <paramref name="destination"/>.</summary>
    /// <exception cref="DriverException">InvalidArgument with the reason when the package is not an installable driver.</exception>
    public static DriverPackage Extract(Stream nupkg, string destination)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(nupkg, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw Refused($"not a NuGet package (.nupkg is a zip archive): {e.Message}");
        }
        using (zip)
        {
            var (id, version) = ReadNuspec(zip);
            var payload = zip.Entries.Where(e => e.FullName.StartsWith(PayloadFolder, StringComparison.Ordinal) && e.FullName.Length > PayloadFolder.Length).ToList();
            if (payload.Count == 0)
            {
                throw Refused($"{id} {version} has no {PayloadFolder} payload; pack the driver with Modular.Sdk's targets (<PackageType>ModularDriver</PackageType>)");
            }
            var root = Path.GetFullPath(destination);
            var targets = payload.Select(e => (Entry: e, Path: SafeTarget(root, e.FullName[PayloadFolder.Length..]))).ToList();
            var manifest = ReadManifest(zip, id, version);

            Directory.CreateDirectory(root);
            foreach (var (entry, path) in targets.Where(t => !t.Entry.FullName.EndsWith('/')))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                entry.ExtractToFile(path, overwrite: false);
            }
            if (!File.Exists(Path.Combine(root, manifest.Assembly + ".dll")))
            {
                throw Refused($"{id} {version}: its manifest names {manifest.Assembly}.dll, which is not in {PayloadFolder}");
            }
            return new DriverPackage(id, version, manifest.Assembly, manifest.SdkVersion);
        }
    }

    /// <summary>Reads the manifest of an already extracted payload.</summary>
    public static (string Assembly, string SdkVersion) ReadManifest(string payloadFolder)
    {
        using var stream = File.OpenRead(Path.Combine(payloadFolder, ManifestName));
        return ParseManifest(stream, Path.GetFileName(payloadFolder));
    }

    private static (string Id, string Version) ReadNuspec(ZipArchive zip)
    {
        var nuspecs = zip.Entries.Where(e => !e.FullName.Contains('/') && e.Name.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase)).ToList();
        if (nuspecs.Count != 1)
        {
            throw Refused("not a NuGet package: no .nuspec at its root");
        }
        XDocument nuspec;
        using (var stream = nuspecs[0].Open())
        {
            nuspec = XDocument.Load(stream);
        }
        var metadata = nuspec.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == "metadata")
            ?? throw Refused("the .nuspec has no <metadata>");
        var id = metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "id")?.Value.Trim() ?? "";
        var version = metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "version")?.Value.Trim() ?? "";
        if (!SafeName().IsMatch(id) || !SafeName().IsMatch(version))
        {
            throw Refused($"the package id \"{id}\" or version \"{version}\" is not a plain name (letters, digits, '.', '-', '_')");
        }
        var types = metadata.Elements().Where(e => e.Name.LocalName == "packageTypes").Elements()
            .Select(e => (string?)e.Attribute("name")).ToList();
        if (!types.Contains(PackageType, StringComparer.OrdinalIgnoreCase))
        {
            var declared = types.Count == 0 ? "none (a plain library package)" : string.Join(", ", types);
            throw Refused($"{id} {version} is not a Modular driver package: its package type is {declared}, expected {PackageType}");
        }
        return (id, version);
    }

    private static (string Assembly, string SdkVersion) ReadManifest(ZipArchive zip, string id, string version)
    {
        var entry = zip.GetEntry(PayloadFolder + ManifestName)
            ?? throw Refused($"{id} {version} has no {PayloadFolder}{ManifestName}; pack it with Modular.Sdk's targets");
        using var stream = entry.Open();
        return ParseManifest(stream, $"{id} {version}");
    }

    private static (string Assembly, string SdkVersion) ParseManifest(Stream stream, string what)
    {
        try
        {
            using var json = JsonDocument.Parse(stream);
            var assembly = json.RootElement.GetProperty("assembly").GetString() ?? "";
            var sdk = json.RootElement.GetProperty("sdkVersion").GetString() ?? "";
            if (!SafeName().IsMatch(assembly) || sdk.Length == 0)
            {
                throw Refused($"{what}: {ManifestName} names no usable assembly and SDK version");
            }
            return (assembly, sdk);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw Refused($"{what}: {ManifestName} is malformed: {e.Message}");
        }
    }

    // Zip-slip: an entry named ../x or /x would land outside the plugin's folder.
    private static string SafeTarget(string root, string relative)
    {
        var target = Path.GetFullPath(Path.Combine(root, relative));
        if (Path.IsPathRooted(relative) || !target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw Refused($"the package entry {PayloadFolder}{relative} would be extracted outside the plugin's folder");
        }
        return target;
    }

    private static DriverException Refused(string reason) => DriverException.InvalidArgument($"plugin refused: {reason}");

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")]
    private static partial Regex SafeName();
}
