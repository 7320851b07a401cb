using System.IO.Compression;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// The driver packages test.sh builds from plugins-sample (packed against the SDK packed into artifacts/feed), and
/// deliberately broken copies of them.
/// </summary>
internal static class PluginPackages
{
    public const string Sqlite = "Acme.Logging.Sqlite.1.2.0.nupkg";
    public const string ThrowsInRegister = "Acme.Test.ThrowsInRegister.1.0.0.nupkg";

    public static string PathOf(string package)
    {
        var path = Path.Combine(RepoLayout.Root, "plugins-sample", "out", package);
        Assert.True(File.Exists(path), $"{path} is missing: test.sh packs the SDK and plugins-sample first (see plugins-sample/README.md)");
        return path;
    }

    /// <summary>The sample with its manifest claiming a newer SDK than any daemon of this major has.</summary>
    public static string WithNewerSdk(string folder) => Edit(folder, Sqlite, zip =>
    {
        var entry = zip.GetEntry("driver/modular-driver.json")!;
        string manifest;
        using (var reader = new StreamReader(entry.Open()))
        {
            manifest = reader.ReadToEnd();
        }
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("driver/modular-driver.json").Open());
        writer.Write(manifest.Replace("\"sdkVersion\": \"0.1.0\"", "\"sdkVersion\": \"0.99.0\""));
    });

    /// <summary>The sample without one of its private dependencies.</summary>
    public static string WithoutDependency(string folder) => Edit(folder, Sqlite, zip => zip.GetEntry("driver/SQLitePCLRaw.core.dll")!.Delete());

    private static string Edit(string folder, string package, Action<ZipArchive> edit)
    {
        var copy = Path.Combine(folder, $"broken-{Guid.NewGuid():N}.nupkg");
        File.Copy(PathOf(package), copy);
        using (var zip = ZipFile.Open(copy, ZipArchiveMode.Update))
        {
            edit(zip);
        }
        return copy;
    }
}
