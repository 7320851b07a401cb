using System.Text.Json;

namespace Modular.Network.Macvlan;

/// <summary>
/// Which parents this driver created (a VLAN sub-interface or a dummy) and must remove with their network, persisted in
/// the driver's own folder: after a daemon restart the link exists, but only this record says whose it is.
/// </summary>
internal sealed class ParentState(string root)
{
    private readonly string _file = Path.Combine(root, "created-parents.json");
    private readonly object _lock = new();

    /// <summary>Network id to the parent link the driver created for it.</summary>
    public Dictionary<string, string> Read()
    {
        lock (_lock)
        {
            return File.Exists(_file)
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllBytes(_file)) ?? []
                : [];
        }
    }

    public void Set(string networkId, string? createdParent)
    {
        lock (_lock)
        {
            var state = Read();
            if (createdParent is null)
            {
                state.Remove(networkId);
            }
            else
            {
                state[networkId] = createdParent;
            }
            var temp = _file + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                JsonSerializer.Serialize(stream, state);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, _file, overwrite: true);
        }
    }
}
