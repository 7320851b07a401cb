using System.IO.Compression;
using Xunit;

namespace Modular.Kernel.Tests.Plugins;

/// <summary>
/// The driver packages plugins-sample builds (test.sh packs them into plugins-sample/out), and broken copies of them
/// made by rewriting the zip, as a careless or hostile publisher could.
/// </summary>
internal static class SamplePackages
{
    public const string Sqlite = "Acme.Logging.Sqlite.1.2.0.nupkg";
    public const string JsonV12 = "Acme.Test.JsonV12.1.0.0.nupkg";
    public const string JsonV13 = "Acme.Test.JsonV13.1.0.0.nupkg";
    public const string ThrowsInRegister = "Acme.Test.ThrowsInRegister.1.0.0.nupkg";

    public static string PathOf(string package)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Modular.sln")))
            {
                var path = Path.Combine(folder.FullName, "plugins-sample", "out", package);
                Assert.True(File.Exists(path), $"{path} is missing: pack the SDK and plugins-sample first (test.sh does; see plugins-sample/README.md)");
                return path;
            }
        }
        Assert.Fail($"no Modular.sln above {AppContext.BaseDirectory}");
        return "";
    }

    /// <summary>A copy of <paramref name="package"/> in <paramref name="folder"/>, changed by <paramref name="edit"/>.</summary>
    public static string BrokenCopy(string package, string folder, Action<ZipArchive> edit)
    {
        var copy = Path.Combine(folder, $"broken-{Guid.NewGuid():N}.nupkg");
        File.Copy(PathOf(package), copy);
        using (var zip = ZipFile.Open(copy, ZipArchiveMode.Update))
        {
            edit(zip);
        }
        return copy;
    }

    public static void Replace(ZipArchive zip, string entryName, Func<string, string> change)
    {
        var entry = zip.GetEntry(entryName) ?? throw new InvalidOperationException($"{entryName} is not in the package");
        string text;
        using (var reader = new StreamReader(entry.Open()))
        {
            text = reader.ReadToEnd();
        }
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry(entryName).Open());
        writer.Write(change(text));
    }

    public static void Add(ZipArchive zip, string entryName, byte[] content)
    {
        using var stream = zip.CreateEntry(entryName).Open();
        stream.Write(content);
    }
}
