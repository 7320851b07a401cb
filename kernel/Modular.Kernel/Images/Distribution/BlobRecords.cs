using Modular.Kernel.Persistence;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// What the engine knows about the compressed forms of its layers (<c>distribution/</c> beside the image store): for
/// each diff id, the blobs that decompress to it, the registries and repositories each blob is known to be in, and,
/// for blobs pulled, the blob itself, kept so that pushing the layer again uploads it unchanged (same digest, no
/// second compression) and so that a push can mount it from a repository of the same registry instead of uploading.
/// </summary>
internal sealed class BlobRecords
{
    private readonly string _metadataPath;
    private readonly string _blobFolder;
    private readonly Lock _sync = new();
    private readonly List<BlobRecord> _records;

    public BlobRecords(string folder)
    {
        _metadataPath = Path.Combine(folder, "blobs.json");
        _blobFolder = Path.Combine(folder, "blobs", "sha256");
        Directory.CreateDirectory(_blobFolder);
        AtomicFile.RemoveLeftovers(folder);
        AtomicFile.RemoveLeftovers(_blobFolder);
        _records = AtomicFile.ReadJson<List<BlobRecord>>(_metadataPath) ?? [];
    }

    /// <summary>The blobs known to hold <paramref name="diffId"/>, those with a kept copy first.</summary>
    public IReadOnlyList<BlobRecord> ForDiffId(string diffId)
    {
        lock (_sync)
        {
            return _records.Where(record => record.DiffId == diffId).OrderByDescending(record => File.Exists(KeptPath(record.Digest))).ToArray();
        }
    }

    /// <summary>The path of the kept copy of <paramref name="digest"/>, or null when there is none.</summary>
    public string? Kept(string digest)
    {
        var path = KeptPath(digest);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Records that <paramref name="digest"/> holds <paramref name="diffId"/> and is in <paramref name="repository"/> (<c>host/path</c>).</summary>
    public void Remember(string diffId, string digest, string mediaType, long size, string repository, string? contentDiffId = null)
    {
        contentDiffId = contentDiffId == diffId ? null : contentDiffId;
        lock (_sync)
        {
            var index = _records.FindIndex(record => record.Digest == digest && record.DiffId == diffId);
            var repositories = index >= 0 ? _records[index].Repositories : [];
            if (index >= 0 && repositories.Contains(repository))
            {
                return;
            }
            var updated = new BlobRecord(diffId, digest, mediaType, size, [.. repositories.Where(r => r != repository), repository], contentDiffId);
            if (index >= 0)
            {
                _records[index] = updated;
            }
            else
            {
                _records.Add(updated);
            }
            AtomicFile.WriteJson(_metadataPath, _records);
        }
    }

    /// <summary>Moves a verified downloaded blob into the store (an existing copy wins: it has the same bytes).</summary>
    public void Keep(string digest, string verifiedFile)
    {
        var target = KeptPath(digest);
        if (File.Exists(target))
        {
            File.Delete(verifiedFile);
            return;
        }
        File.Move(verifiedFile, target);
    }

    /// <summary>Forgets the blobs of layers no longer stored (after images were removed), deleting their kept copies.</summary>
    public void RemoveExcept(IReadOnlySet<string> liveDiffIds)
    {
        lock (_sync)
        {
            var dead = _records.Where(record => !liveDiffIds.Contains(record.DiffId)).ToList();
            if (dead.Count == 0)
            {
                return;
            }
            _records.RemoveAll(dead.Contains);
            AtomicFile.WriteJson(_metadataPath, _records);
            foreach (var digest in dead.Select(record => record.Digest).Distinct().Where(d => _records.All(r => r.Digest != d)))
            {
                File.Delete(KeptPath(digest));
            }
        }
    }

    private string KeptPath(string digest) => Path.Combine(_blobFolder, Sha256Digest.Hex(digest));
}

/// <summary>
/// A compressed (or plain) blob of a layer and the repositories (<c>registry/path</c>) it is known to be in.
/// <paramref name="ContentDiffId"/> is set when the blob's tar is not byte for byte the layer's original one (a push
/// regenerated it): a manifest using this blob must list that diff id instead.
/// </summary>
internal sealed record BlobRecord(string DiffId, string Digest, string MediaType, long Size, IReadOnlyList<string> Repositories,
    string? ContentDiffId = null)
{
    public string BlobDiffId => ContentDiffId ?? DiffId;
}
