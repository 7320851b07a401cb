using Modular.Sdk.Logging;

namespace Modular.Conformance.Tests.Logging;

/// <summary>A container directory in /tmp for one test, removed when the test ends.</summary>
internal sealed class TempContainer : IDisposable
{
    public TempContainer()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("modular-jsonfile-").FullName;
        Id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
    }

    public string Directory { get; }

    public string Id { get; }

    public string LogPath => Path.Combine(Directory, Id + "-json.log");

    public LogContext Context(IReadOnlyDictionary<string, string>? options = null) =>
        new(Id, "test", Directory, options ?? new Dictionary<string, string>());

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
