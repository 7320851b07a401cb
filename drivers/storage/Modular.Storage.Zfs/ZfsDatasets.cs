using System.Globalization;

namespace Modular.Storage.Zfs;

/// <summary>
/// The dataset operations the driver needs, as dockerd's zfs driver performs them: layers are filesystems with
/// <c>mountpoint=legacy</c> (the driver mounts them itself, where it wants), a child is a clone of a snapshot of its
/// parent, and that snapshot is destroyed with <c>-d</c> so it goes away by itself once no clone needs it.
/// </summary>
internal sealed class ZfsDatasets(ZfsCommand command, string parentDataset)
{
    /// <summary>The dataset every layer lives under, e.g. <c>tank/docker</c>.</summary>
    public string ParentDataset => parentDataset;

    /// <summary>The dataset of layer <paramref name="id"/>.</summary>
    public string DatasetOf(string id) => $"{parentDataset}/{id}";

    /// <summary>The names of the filesystems under the parent dataset, itself included.</summary>
    public IReadOnlyList<string> ListFilesystems() =>
        command.Zfs("list", "-H", "-o", "name", "-t", "filesystem", "-r", parentDataset)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The layers cloned from a snapshot of <paramref name="id"/>: its children.</summary>
    public IReadOnlyList<string> ClonesOf(string id)
    {
        var snapshotPrefix = DatasetOf(id) + "@";
        return command.Zfs("list", "-H", "-o", "name,origin", "-t", "filesystem", "-r", parentDataset)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length == 2 && fields[1].StartsWith(snapshotPrefix, StringComparison.Ordinal))
            .Select(fields => fields[0])
            .ToList();
    }

    /// <summary>Creates an empty layer.</summary>
    public void CreateEmpty(string id) => command.Zfs("create", "-o", "mountpoint=legacy", DatasetOf(id));

    /// <summary>Creates <paramref name="id"/> as a copy-on-write clone of <paramref name="parentId"/>'s current content.</summary>
    public void CreateClone(string id, string parentId)
    {
        var snapshot = $"{DatasetOf(parentId)}@{id}";
        command.Zfs("snapshot", snapshot);
        try
        {
            command.Zfs("clone", "-o", "mountpoint=legacy", snapshot, DatasetOf(id));
        }
        catch
        {
            TryDestroySnapshot(snapshot);
            throw;
        }
        command.Zfs("destroy", "-d", snapshot);
    }

    private void TryDestroySnapshot(string snapshot)
    {
        try
        {
            command.Zfs("destroy", "-d", snapshot);
        }
        catch (Modular.Sdk.DriverException)
        {
            // The clone's failure is the one worth reporting; a stray snapshot only holds space.
        }
    }

    /// <summary>Limits the layer to <paramref name="bytes"/>, counting its snapshots and children.</summary>
    public void SetQuota(string id, long bytes) =>
        command.Zfs("set", "quota=" + bytes.ToString(CultureInfo.InvariantCulture), DatasetOf(id));

    /// <summary>Destroys the layer's dataset with its snapshots.</summary>
    public void Destroy(string id) => command.Zfs("destroy", "-r", DatasetOf(id));

    /// <summary>Numeric properties (<c>-p</c>) of the parent dataset, by name.</summary>
    public IReadOnlyDictionary<string, string> ParentProperties(params string[] names) =>
        command.Zfs("get", "-H", "-p", "-o", "property,value", string.Join(',', names), parentDataset)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t', 2))
            .Where(fields => fields.Length == 2)
            .ToDictionary(fields => fields[0], fields => fields[1].Trim(), StringComparer.Ordinal);

    /// <summary>The health of the pool holding the parent dataset, e.g. <c>ONLINE</c>.</summary>
    public string PoolHealth() => command.Zpool("list", "-H", "-o", "health", PoolName).Trim();

    /// <summary>The pool holding the parent dataset.</summary>
    public string PoolName => parentDataset.Split('/')[0];
}
