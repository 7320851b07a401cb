using Modular.Sdk;

namespace Modular.Kernel.Images;

public sealed partial class ImageService
{
    /// <summary>
    /// <c>docker rmi</c> with Docker's rules: a name untags (and deletes the image with its last tag); an id deletes the
    /// image when it has at most one repository; containers block removal (running ones even when forced).
    /// <paramref name="usedBy"/> is asked for an image id and returns a container using it (a running one if any),
    /// or null. Layers still under a container's layer are kept (see <see cref="RemoveUnusedLayers"/>).
    /// </summary>
    public IReadOnlyList<ImageDeleteItem> Delete(string nameOrId, bool force, bool prune, Func<string, ImageUser?> usedBy)
    {
        lock (_gate)
        {
            var id = ResolveLocked(nameOrId);
            var records = new List<ImageDeleteItem>();
            var references = _references.ReferencesTo(id);
            var removedRepositoryReference = false;
            if (!IsIdPrefix(id, nameOrId))
            {
                if (!force && IsSingleRepository(references) && usedBy(id) is { } user)
                {
                    throw DriverException.Conflict(
                        $"conflict: unable to remove repository reference \"{nameOrId}\" (must force) - container " +
                        $"{Sha256Digest.Short(user.ContainerId)} is using its referenced image {Sha256Digest.Short(id)}");
                }
                var removed = ImageReference.Parse(nameOrId).WithDefaultTag();
                _references.Remove(removed);
                records.Add(new ImageDeleteItem(removed.Familiar, null));
                if (removed.Digest is null)
                {
                    // Digests of a repository go with its last tag.
                    var remaining = _references.ReferencesTo(id);
                    if (!remaining.Any(r => r.Digest is null && r.Repository == removed.Repository))
                    {
                        foreach (var digest in remaining.Where(r => r.Digest is not null && r.Repository == removed.Repository))
                        {
                            _references.Remove(digest);
                            records.Add(new ImageDeleteItem(digest.Familiar, null));
                        }
                    }
                }
                if (_references.ReferencesTo(id).Count > 0)
                {
                    return records;
                }
                removedRepositoryReference = true;
            }
            else if (IsSingleRepository(references))
            {
                var conflict = FindConflict(id, usedBy, hard: true, stoppedContainers: !force, references: false);
                if (conflict is not null)
                {
                    throw conflict.ToException(id);
                }
                foreach (var reference in references)
                {
                    _references.Remove(reference);
                    records.Add(new ImageDeleteItem(reference.Familiar, null));
                }
            }
            var parent = _parents.ParentOf(id);
            DeleteImage(id, force, quiet: removedRepositoryReference, usedBy, records);
            if (prune)
            {
                PruneUntaggedParents(parent, usedBy, records);
            }
            return records;
        }
    }

    private void DeleteImage(string id, bool force, bool quiet, Func<string, ImageUser?> usedBy, List<ImageDeleteItem> records)
    {
        var conflict = FindConflict(id, usedBy, hard: true, stoppedContainers: !force, references: !force);
        if (conflict is not null)
        {
            if (quiet && (_references.ReferencesTo(id).Count > 0 || _parents.HasChildren(id) || conflict.Used))
            {
                return;
            }
            throw conflict.ToException(id);
        }
        foreach (var reference in _references.ReferencesTo(id))
        {
            _references.Remove(reference);
            records.Add(new ImageDeleteItem(reference.Familiar, null));
        }
        var image = _images[id];
        File.Delete(Path.Combine(_contentFolder, Sha256Digest.Hex(id)));
        _images.Remove(id);
        _parents.Forget(id);
        _references.ForgetImage(id);
        records.Add(new ImageDeleteItem(null, id));
        if (usedBy(id) is not null)
        {
            return;
        }
        var removedLayers = _layers.RemoveUnused(image.ChainIds.Reverse().ToArray(), ReferencedChains(), keepCacheIds: null);
        foreach (var chainId in removedLayers)
        {
            records.Add(new ImageDeleteItem(null, chainId));
        }
        if (removedLayers.Count > 0)
        {
            ForgetBlobsOfRemovedLayers();
        }
    }

    /// <summary>
    /// Docker removes the untagged parents (intermediate images of a build or commit) a deleted image leaves behind,
    /// up to the first one that is tagged, used by a container or still has other children.
    /// </summary>
    private void PruneUntaggedParents(string? parentId, Func<string, ImageUser?> usedBy, List<ImageDeleteItem> records)
    {
        while (parentId is not null && _images.ContainsKey(parentId) && !_parents.HasChildren(parentId) &&
               _references.ReferencesTo(parentId).Count == 0 && usedBy(parentId) is null)
        {
            var next = _parents.ParentOf(parentId);
            DeleteImage(parentId, force: false, quiet: false, usedBy, records);
            parentId = next;
        }
    }

    private ImageConflict? FindConflict(string id, Func<string, ImageUser?> usedBy, bool hard, bool stoppedContainers, bool references)
    {
        if (hard && _parents.HasChildren(id))
        {
            return new ImageConflict(true, false, "image has dependent child images");
        }
        var user = usedBy(id);
        if (hard && user is { Running: true })
        {
            return new ImageConflict(true, true, $"image is being used by running container {Sha256Digest.Short(user.ContainerId)}");
        }
        if (references && _references.ReferencesTo(id).Count > 0)
        {
            return new ImageConflict(false, false, "image is referenced in multiple repositories");
        }
        if (stoppedContainers && user is { Running: false })
        {
            return new ImageConflict(false, true, $"image is being used by stopped container {Sha256Digest.Short(user.ContainerId)}");
        }
        return null;
    }

    /// <summary>Whether the user named the image by (a prefix of) its id rather than by a reference.</summary>
    private static bool IsIdPrefix(string id, string text) =>
        id.StartsWith(text, StringComparison.Ordinal) || id.AsSpan(Sha256Digest.Prefix.Length).StartsWith(text, StringComparison.Ordinal);

    /// <summary>At most one tag, and digests only of that tag's repository (Docker's isSingleReference).</summary>
    private static bool IsSingleRepository(IReadOnlyList<ImageReference> references)
    {
        if (references.Count <= 1)
        {
            return references.Count == 1;
        }
        var tags = references.Where(r => r.Digest is null).ToArray();
        if (tags.Length > 1)
        {
            return false;
        }
        var digestRepositories = references.Where(r => r.Digest is not null).Select(r => r.Repository).Distinct().ToArray();
        var single = tags.Length == 1 ? tags[0] : references[0];
        return digestRepositories.Length == 1 && digestRepositories[0] == single.Repository;
    }

    private sealed record ImageConflict(bool Hard, bool Used, string Message)
    {
        public DriverException ToException(string id) => DriverException.Conflict(
            $"conflict: unable to delete {Sha256Digest.Short(id)} ({(Hard ? "cannot be forced" : "must be forced")}) - {Message}");
    }
}
