using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>What <see cref="ImageService.Prune"/> removed and how many bytes of layers went with it.</summary>
public sealed record ImagePruneReport(IReadOnlyList<ImageDeleteItem> Deleted, long SpaceReclaimed);

public sealed partial class ImageService
{
    private static readonly HashSet<string> PruneFilterKeys = ["dangling", "label", "label!", "until"];

    /// <summary>
    /// <c>docker image prune</c> as moby does it: by default only dangling images (no tag; intermediate images with
    /// children are skipped), with <c>dangling=false</c> every image no container uses; <c>until</c> and
    /// <c>label</c>/<c>label!</c> narrow the choice. Images a container uses are left alone (the delete conflicts and
    /// is skipped). Space reclaimed is the size of the layers actually removed, each counted once.
    /// </summary>
    public ImagePruneReport Prune(IReadOnlyDictionary<string, IReadOnlyList<string>> filters, Func<string, ImageUser?> usedBy)
    {
        foreach (var key in filters.Keys.Where(key => !PruneFilterKeys.Contains(key)))
        {
            throw DriverException.InvalidArgument($"invalid filter '{key}'");
        }
        var danglingOnly = Values(filters, "dangling") is not { Count: > 0 } dangling || ParseBool("dangling", dangling);
        var until = Values(filters, "until").Select(ParseUntil).ToArray();
        var labels = Values(filters, "label");
        var notLabels = Values(filters, "label!");

        List<(string Id, IReadOnlyList<ImageReference> References)> candidates;
        Dictionary<string, long> layerSizes;
        lock (_gate)
        {
            layerSizes = _layers.AllTopFirst().Select(chainId => _layers.Get(chainId)).OfType<LayerRecord>()
                .ToDictionary(layer => layer.ChainId, layer => layer.Size, StringComparer.Ordinal);
            candidates = [];
            foreach (var image in _images.Values)
            {
                var references = _references.ReferencesTo(image.Id);
                var hasChildren = _parents.HasChildren(image.Id);
                if ((danglingOnly && hasChildren) || (references.Count == 0 && hasChildren))
                {
                    continue;
                }
                var imageLabels = image.Config.Config.Labels ?? new Dictionary<string, string>();
                if (until.Any(limit => (image.Config.Created ?? DateTimeOffset.UnixEpoch) >= limit) ||
                    !labels.All(filter => MatchesLabel(imageLabels, filter)) ||
                    (notLabels.Count > 0 && notLabels.Any(filter => MatchesLabel(imageLabels, filter))))
                {
                    continue;
                }
                if (danglingOnly && references.Any(r => r.Tag is not null))
                {
                    continue;
                }
                candidates.Add((image.Id, references));
            }
        }

        var deleted = new List<ImageDeleteItem>();
        foreach (var (id, references) in candidates)
        {
            var names = references.Count > 0 ? references.Select(r => r.ToString()).ToArray() : [Sha256Digest.Hex(id)];
            foreach (var name in names)
            {
                try
                {
                    deleted.AddRange(Delete(name, force: false, prune: true, usedBy));
                }
                catch (DriverException e) when (e.Kind is DriverErrorKind.Conflict or DriverErrorKind.NotFound)
                {
                    // In use by a container, or already gone with an earlier candidate: moby skips it too.
                }
            }
        }
        var reclaimed = deleted.Where(item => item.Deleted is not null && layerSizes.ContainsKey(item.Deleted))
            .Select(item => item.Deleted!).Distinct(StringComparer.Ordinal).Sum(chainId => layerSizes[chainId]);
        return new ImagePruneReport(deleted, reclaimed);
    }
}
