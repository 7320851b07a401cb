namespace Modular.Kernel.Tests.Containers;

/// <summary>A private folder under the test run's temp root, deleted with everything in it on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string purpose)
    {
        var parent = Environment.GetEnvironmentVariable("MODULAR_E2E_TMPDIR") is { Length: > 0 } run ? run : System.IO.Path.GetTempPath();
        Path = System.IO.Path.Combine(parent, $"{purpose}-{Guid.NewGuid():N}"[..(purpose.Length + 13)]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes <paramref name="content"/> at a path relative to the folder, creating its parents.</summary>
    public string Write(string relative, string content)
    {
        var full = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
