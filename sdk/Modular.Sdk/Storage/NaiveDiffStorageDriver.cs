namespace Modular.Sdk.Storage;

/// <summary>
/// A base for drivers that only know how to make, mount and remove layers: <see cref="Diff"/>, <see cref="Changes"/>,
/// <see cref="DiffSize"/> and <see cref="ApplyDiff"/> are built on <see cref="Get"/> and <see cref="Put"/> by comparing
/// a layer's tree with its parent's (<see cref="NaiveDiff"/>) and by extracting onto the mounted layer
/// (<see cref="LayerArchive"/> in <see cref="WhiteoutMode.DeletePaths"/> mode). A driver with better means overrides
/// any of them.
/// </summary>
public abstract class NaiveDiffStorageDriver : IStorageDriver
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract StorageCapabilities Capabilities { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<KeyValuePair<string, string>> Status { get; }

    /// <summary>Where <see cref="Diff"/> spools the tar it returns; the file is deleted when the stream is disposed.</summary>
    protected virtual string ScratchDirectory => Path.GetTempPath();

    /// <inheritdoc />
    public abstract void Create(string id, string? parent);

    /// <inheritdoc />
    public abstract void CreateReadWrite(string id, string? parent);

    /// <inheritdoc />
    public abstract bool Exists(string id);

    /// <inheritdoc />
    public abstract void Remove(string id);

    /// <inheritdoc />
    public abstract string Get(string id);

    /// <inheritdoc />
    public abstract void Put(string id);

    /// <inheritdoc />
    public abstract IReadOnlyDictionary<string, string> GetMetadata(string id);

    /// <inheritdoc />
    public abstract void Cleanup();

    /// <inheritdoc />
    public virtual long ApplyDiff(string id, string? parent, Stream diff)
    {
        var root = Get(id);
        try
        {
            return LayerArchive.Apply(diff, root, WhiteoutMode.DeletePaths);
        }
        finally
        {
            Put(id);
        }
    }

    /// <inheritdoc />
    public virtual Stream Diff(string id, string? parent)
    {
        Directory.CreateDirectory(ScratchDirectory);
        var spool = new FileStream(Path.Join(ScratchDirectory, $"diff-{Guid.NewGuid():N}.tar"), FileMode.CreateNew,
            FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
        try
        {
            WithTrees(id, parent, (layer, parentRoot) => NaiveDiff.WriteTar(layer, parentRoot, spool));
            spool.Position = 0;
            return spool;
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public virtual IReadOnlyList<FileChange> Changes(string id, string? parent)
    {
        IReadOnlyList<FileChange> changes = [];
        WithTrees(id, parent, (layer, parentRoot) => changes = NaiveDiff.Changes(layer, parentRoot));
        return changes;
    }

    /// <inheritdoc />
    public virtual long DiffSize(string id, string? parent)
    {
        long size = 0;
        WithTrees(id, parent, (layer, parentRoot) => size = NaiveDiff.Size(layer, parentRoot));
        return size;
    }

    /// <summary>Releases what the driver holds; the default calls <see cref="Cleanup"/>.</summary>
    public virtual void Dispose()
    {
        Cleanup();
        GC.SuppressFinalize(this);
    }

    /// <summary>Mounts the layer and its parent, runs <paramref name="action"/> on their roots and puts both back.</summary>
    protected void WithTrees(string id, string? parent, Action<string, string?> action)
    {
        var layerRoot = Get(id);
        try
        {
            if (parent is null)
            {
                action(layerRoot, null);
                return;
            }
            var parentRoot = Get(parent);
            try
            {
                action(layerRoot, parentRoot);
            }
            finally
            {
                Put(parent);
            }
        }
        finally
        {
            Put(id);
        }
    }
}
