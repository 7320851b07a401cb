using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Modular.Kernel.Persistence;
using Modular.Sdk;
using Modular.Sdk.Storage;

namespace Modular.Kernel.Images;

/// <summary>
/// The layer database (<c>layerdb/</c>): one record per chain id, written atomically only after the storage driver
/// holds the complete layer. A driver layer is announced in <c>layerdb/pending/&lt;cache-id&gt;</c> before it is created
/// and while it is being removed, so layers a killed daemon left half-written or half-removed are found and removed
/// at the next start without the driver having to list its layers.
/// </summary>
internal sealed class LayerStore
{
    private readonly string _recordsFolder;
    private readonly string _pendingFolder;
    private readonly string _layoutFolder;
    private readonly IStorageDriver _driver;
    private readonly ILogger _logger;
    private readonly Lock _sync = new();
    private readonly Dictionary<string, LayerRecord> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _leaseCounts = new(StringComparer.Ordinal);

    public LayerStore(string layerDbFolder, IStorageDriver driver, ILogger logger)
    {
        _recordsFolder = Path.Combine(layerDbFolder, "sha256");
        _pendingFolder = Path.Combine(layerDbFolder, "pending");
        _layoutFolder = Path.Combine(layerDbFolder, "tar-layout");
        Directory.CreateDirectory(_layoutFolder);
        _driver = driver;
        _logger = logger;
        Directory.CreateDirectory(_recordsFolder);
        Directory.CreateDirectory(_pendingFolder);
        AtomicFile.RemoveLeftovers(layerDbFolder);
        ReadRecords();
        RemoveUnfinishedLayers();
    }

    public LayerRecord? Get(string chainId)
    {
        lock (_sync)
        {
            return _records.GetValueOrDefault(chainId);
        }
    }

    /// <summary>Leases the layer when it is already registered (dedup); returns null when it is not.</summary>
    public LayerRecord? TryReuse(string chainId, LayerLease lease)
    {
        lock (_sync)
        {
            if (!_records.TryGetValue(chainId, out var record))
            {
                return null;
            }
            Hold(chainId, lease);
            return record;
        }
    }

    /// <summary>
    /// Extracts <paramref name="diff"/> (plain or gzip tar) as a new layer on <paramref name="parent"/>, computing its
    /// diff id from the uncompressed bytes in the same read, verifies it against <paramref name="expectedDiffId"/> when
    /// given, and registers it. When an equal layer was registered meanwhile, the new copy is dropped and that one used.
    /// </summary>
    public LayerRecord Register(Stream diff, LayerRecord? parent, string? expectedDiffId, int layerIndex, LayerLease lease)
    {
        var cacheId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        MarkPending(cacheId);
        string diffId;
        long size;
        try
        {
            _driver.Create(cacheId, parent?.CacheId);
            var layoutTemporary = Path.Combine(_layoutFolder, $".{cacheId}.tmp");
            using (var uncompressed = LayerDecompression.OpenUncompressed(diff))
            using (var recorder = new TarLayoutRecorder(uncompressed, File.Create(layoutTemporary)))
            using (var digesting = new DigestingReadStream(recorder))
            {
                size = _driver.ApplyDiff(cacheId, parent?.CacheId, digesting);
                diffId = digesting.Finish();
                recorder.Complete();
            }
            using (var written = File.OpenHandle(layoutTemporary, FileMode.Open, FileAccess.ReadWrite))
            {
                RandomAccess.FlushToDisk(written);
            }
            File.Move(layoutTemporary, LayoutPath(cacheId), overwrite: true);
            if (expectedDiffId is not null && diffId != expectedDiffId)
            {
                throw DriverException.InvalidArgument(
                    $"invalid diffID for layer {layerIndex}: expected \"{expectedDiffId}\", got \"{diffId}\"");
            }
        }
        catch
        {
            Discard(cacheId);
            throw;
        }

        var record = new LayerRecord(ChainId.Next(parent?.ChainId, diffId), diffId, parent?.ChainId, size, cacheId);
        lock (_sync)
        {
            if (_records.TryGetValue(record.ChainId, out var existing))
            {
                Hold(existing.ChainId, lease);
                record = existing;
            }
            else
            {
                AtomicFile.WriteJson(RecordPath(record.ChainId), record);
                _records[record.ChainId] = record;
                Hold(record.ChainId, lease);
                lease.Created.Add(record.ChainId);
                ClearPending(cacheId);
                return record;
            }
        }
        Discard(cacheId);
        return record;
    }

    /// <summary>
    /// Writes the layer's tar exactly as it was registered (its sha256 is the diff id), from its recorded layout and
    /// the driver's copy of its files.
    /// </summary>
    public void WriteTar(LayerRecord record, Stream output)
    {
        var layout = ExistingLayoutPath(record);
        var root = _driver.Get(record.CacheId);
        try
        {
            TarLayoutRebuilder.Write(layout, root, output);
        }
        finally
        {
            _driver.Put(record.CacheId);
        }
    }

    /// <summary>
    /// Ends a lease. The layers the operation created that no image references (<paramref name="referenced"/>) are
    /// removed: the operation failed before an image took them.
    /// </summary>
    public void Release(LayerLease lease, IReadOnlySet<string> referenced)
    {
        lock (_sync)
        {
            foreach (var chainId in lease.Held)
            {
                if (--_leaseCounts[chainId] == 0)
                {
                    _leaseCounts.Remove(chainId);
                }
            }
        }
        RemoveUnused(Enumerable.Reverse(lease.Created).ToArray(), referenced, keepCacheIds: null);
    }

    /// <summary>
    /// Removes the given layers (top first) when no image references them, no operation leases them, no other layer
    /// stacks on them and no container layer sits on them. Returns the chain ids removed.
    /// </summary>
    public IReadOnlyList<string> RemoveUnused(IEnumerable<string> candidatesTopFirst, IReadOnlySet<string> referenced,
        IReadOnlySet<string>? keepCacheIds)
    {
        lock (_sync)
        {
            var kept = AncestorsOf(keepCacheIds);
            var removed = new List<string>();
            foreach (var chainId in candidatesTopFirst)
            {
                if (!_records.TryGetValue(chainId, out var record) || referenced.Contains(chainId) ||
                    _leaseCounts.ContainsKey(chainId) || kept.Contains(chainId) ||
                    _records.Values.Any(other => other.Parent == chainId))
                {
                    continue;
                }
                MarkPending(record.CacheId);
                File.Delete(RecordPath(chainId));
                _records.Remove(chainId);
                Discard(record.CacheId);
                removed.Add(chainId);
            }
            return removed;
        }
    }

    /// <summary>All registered layers, children before their parents.</summary>
    public IReadOnlyList<string> AllTopFirst()
    {
        lock (_sync)
        {
            var depth = new Dictionary<string, int>(StringComparer.Ordinal);
            int Depth(LayerRecord record) => depth.TryGetValue(record.ChainId, out var known)
                ? known
                : depth[record.ChainId] = record.Parent is { } parent && _records.TryGetValue(parent, out var up) ? Depth(up) + 1 : 0;
            return _records.Values.OrderByDescending(Depth).Select(record => record.ChainId).ToArray();
        }
    }

    private HashSet<string> AncestorsOf(IReadOnlySet<string>? cacheIds)
    {
        var kept = new HashSet<string>(StringComparer.Ordinal);
        if (cacheIds is null || cacheIds.Count == 0)
        {
            return kept;
        }
        foreach (var record in _records.Values.Where(record => cacheIds.Contains(record.CacheId)))
        {
            for (var current = record; current is not null; current = current.Parent is { } p ? _records.GetValueOrDefault(p) : null)
            {
                kept.Add(current.ChainId);
            }
        }
        return kept;
    }

    private void Hold(string chainId, LayerLease lease)
    {
        _leaseCounts[chainId] = _leaseCounts.GetValueOrDefault(chainId) + 1;
        lease.Held.Add(chainId);
    }

    private void ReadRecords()
    {
        foreach (var file in Directory.EnumerateFiles(_recordsFolder, "*.json"))
        {
            LayerRecord? record;
            try
            {
                record = AtomicFile.ReadJson<LayerRecord>(file);
            }
            catch (System.Text.Json.JsonException e)
            {
                _logger.LogWarning("Ignoring unreadable layer record {File}: {Error}", file, e.Message);
                continue;
            }
            if (record is null || Path.GetFileNameWithoutExtension(file) != Sha256Digest.Hex(record.ChainId))
            {
                _logger.LogWarning("Ignoring layer record {File} that does not match its name", file);
                continue;
            }
            _records[record.ChainId] = record;
        }
    }

    private void RemoveUnfinishedLayers()
    {
        var owned = _records.Values.Select(record => record.CacheId).ToHashSet(StringComparer.Ordinal);
        var pending = Directory.EnumerateFiles(_pendingFolder).Select(Path.GetFileName).OfType<string>()
            .Where(cacheId => !cacheId.StartsWith('.')).ToList();
        // A half-removed chain leaves several pending layers stacked on each other; the driver removes a layer only
        // when nothing stacks on it, so retry until no more progress is made.
        for (var progress = true; progress && pending.Count > 0;)
        {
            progress = false;
            foreach (var cacheId in pending.ToArray())
            {
                if (owned.Contains(cacheId))
                {
                    ClearPending(cacheId);
                }
                else
                {
                    try
                    {
                        if (_driver.Exists(cacheId))
                        {
                            _driver.Remove(cacheId);
                            _logger.LogInformation("Removed layer {CacheId} left unfinished by a previous run", cacheId);
                        }
                        ClearPending(cacheId);
                    }
                    catch (DriverException)
                    {
                        continue;
                    }
                }
                pending.Remove(cacheId);
                progress = true;
            }
        }
        foreach (var cacheId in pending)
        {
            _logger.LogWarning("Could not remove unfinished layer {CacheId}; will retry at next start", cacheId);
        }
        foreach (var layout in Directory.EnumerateFiles(_layoutFolder, "*.gz"))
        {
            if (!owned.Contains(Path.GetFileNameWithoutExtension(layout)) && !pending.Contains(Path.GetFileNameWithoutExtension(layout)))
            {
                File.Delete(layout);
            }
        }
    }

    /// <summary>Removes a driver layer no record owns, then its pending mark; failures leave the mark for the next start.</summary>
    private void Discard(string cacheId)
    {
        try
        {
            if (_driver.Exists(cacheId))
            {
                _driver.Remove(cacheId);
            }
            File.Delete(LayoutPath(cacheId));
            File.Delete(Path.Combine(_layoutFolder, $".{cacheId}.tmp"));
            ClearPending(cacheId);
        }
        catch (Exception e) when (e is DriverException or IOException)
        {
            _logger.LogWarning("Could not remove layer {CacheId} ({Error}); will retry at next start", cacheId, e.Message);
        }
    }

    /// <summary>The size in bytes of the tar <see cref="WriteTar"/> writes.</summary>
    public long TarLength(LayerRecord record) => TarLayoutRebuilder.Length(ExistingLayoutPath(record));

    private string ExistingLayoutPath(LayerRecord record)
    {
        var layout = LayoutPath(record.CacheId);
        return File.Exists(layout)
            ? layout
            : throw new DriverException(DriverErrorKind.NotFound,
                $"layer {record.DiffId} was stored without its tar layout (by an earlier version of Modular) and cannot be exported unchanged; load or pull the image again");
    }

    private string LayoutPath(string cacheId) => Path.Combine(_layoutFolder, cacheId + ".gz");

    private void MarkPending(string cacheId) => AtomicFile.WriteAllBytes(Path.Combine(_pendingFolder, cacheId), []);

    private void ClearPending(string cacheId) => File.Delete(Path.Combine(_pendingFolder, cacheId));

    private string RecordPath(string chainId) => Path.Combine(_recordsFolder, Sha256Digest.Hex(chainId) + ".json");
}
