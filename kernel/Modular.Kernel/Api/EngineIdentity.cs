using Modular.Kernel.Persistence;

namespace Modular.Kernel.Api;

/// <summary>The engine's stable ID (docker info's ID), created once per data-root.</summary>
public sealed class EngineIdentity
{
    public EngineIdentity(string dataRoot)
    {
        var file = Path.Combine(dataRoot, "engine-id");
        if (File.Exists(file))
        {
            Id = File.ReadAllText(file).Trim();
        }
        else
        {
            Id = Guid.NewGuid().ToString();
            AtomicFile.WriteAllBytes(file, System.Text.Encoding.UTF8.GetBytes(Id));
        }
    }

    public string Id { get; }
}
