using System.Globalization;
using Modular.Sdk.Storage;

namespace Modular.Storage.Btrfs;

/// <summary>
/// Size limits of layers as btrfs qgroup limits on their subvolumes. Quota accounting is turned on for the filesystem
/// only when a first limit is asked for, because it slows every snapshot and deletion down. Each limit is also
/// recorded in <c>&lt;root&gt;/quotas/&lt;id&gt;</c> so a layer made on a limited one inherits its size, as Docker does
/// for a container layer made on its limited init layer.
/// </summary>
internal sealed class LayerQuotas
{
    private readonly string _records;
    private readonly object _enableLock = new();
    private bool _enabled;

    public LayerQuotas(string root)
    {
        _records = Path.Join(root, "quotas");
        Directory.CreateDirectory(_records);
    }

    /// <summary>Limits subvolume <paramref name="subvolume"/>, which will become layer <paramref name="id"/>, to <paramref name="bytes"/>.</summary>
    public void Limit(string id, string subvolume, long bytes)
    {
        EnsureEnabled(subvolume);
        BtrfsIoctls.LimitReferenced(subvolume, bytes);
        var record = RecordPath(id);
        var temporary = $"{record}.{Guid.NewGuid():N}.tmp";
        using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(System.Text.Encoding.ASCII.GetBytes(bytes.ToString(CultureInfo.InvariantCulture)));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, record, overwrite: true);
    }

    /// <summary>The size limit recorded for layer <paramref name="id"/>, or null when it has none.</summary>
    public long? Recorded(string id)
    {
        var record = RecordPath(id);
        return File.Exists(record) && long.TryParse(File.ReadAllText(record).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)
            ? bytes
            : null;
    }

    /// <summary>
    /// Forgets layer <paramref name="id"/>'s limit. The qgroup itself cannot be destroyed while btrfs still drops the
    /// deleted subvolume in the background; the kernel deletes it when the drop ends (seen on Linux 6.18).
    /// </summary>
    public void Forget(string id) => FileTree.RemoveAll(RecordPath(id));

    private void EnsureEnabled(string path)
    {
        lock (_enableLock)
        {
            if (!_enabled)
            {
                BtrfsIoctls.EnableQuota(path);
                _enabled = true;
            }
        }
    }

    private string RecordPath(string id) => Path.Join(_records, id);
}
