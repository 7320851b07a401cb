namespace Modular.Kernel.Images;

/// <summary>One row of <c>docker history</c>, newest first; Id is <c>&lt;missing&gt;</c> where no local image matches.</summary>
public sealed record ImageHistoryRow(string Id, DateTimeOffset? Created, string CreatedBy, IReadOnlyList<string> Tags, long Size, string Comment);

public sealed partial class ImageService
{
    /// <summary>
    /// <c>docker history</c> as moby answers it: one row per history entry, newest first, each with the size of the
    /// layer it added (0 for an empty layer); the rows are then given the ids and tags of the image and its local
    /// parents (committed or built images), top down, and <c>&lt;missing&gt;</c> below the last known parent.
    /// </summary>
    public IReadOnlyList<ImageHistoryRow> History(string nameOrId)
    {
        lock (_gate)
        {
            var image = _images[ResolveLocked(nameOrId)];
            var rows = new List<ImageHistoryRow>();
            var layerIndex = 0;
            foreach (var entry in image.Config.History)
            {
                long size = 0;
                if (!entry.EmptyLayer && layerIndex < image.ChainIds.Count)
                {
                    size = _layers.Get(image.ChainIds[layerIndex])?.Size ?? 0;
                    layerIndex++;
                }
                rows.Insert(0, new ImageHistoryRow("<missing>", entry.Created, entry.CreatedBy ?? "", [], size, entry.Comment ?? ""));
            }
            string? id = image.Id;
            for (var i = 0; i < rows.Count && id is not null && _images.ContainsKey(id); i++)
            {
                var tags = _references.ReferencesTo(id).Where(r => r.Tag is not null).Select(r => r.Familiar).ToArray();
                rows[i] = rows[i] with { Id = id, Tags = tags };
                id = _parents.ParentOf(id);
            }
            return rows;
        }
    }
}
