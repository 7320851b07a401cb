namespace Modular.Kernel.Build;

/// <summary>
/// What a running build has created and not yet removed (its RUN containers and its writable layers), one marker file
/// each under <c>builder/intermediate</c>, so that a daemon killed mid-build removes them when it starts again.
/// </summary>
public sealed class BuildJournal(string dataRoot)
{
    private const string ContainerPrefix = "container-";
    private const string LayerPrefix = "layer-";

    private string Folder => Path.Combine(dataRoot, "builder", "intermediate");

    public void RecordContainer(string id) => Record(ContainerPrefix + id);

    public void ForgetContainer(string id) => Forget(ContainerPrefix + id);

    public void RecordLayer(string id) => Record(LayerPrefix + id);

    public void ForgetLayer(string id) => Forget(LayerPrefix + id);

    /// <summary>The containers and layers of builds that did not end, as recorded.</summary>
    public (IReadOnlyList<string> Containers, IReadOnlyList<string> Layers) Leftovers()
    {
        if (!Directory.Exists(Folder))
        {
            return ([], []);
        }
        var names = Directory.EnumerateFiles(Folder).Select(Path.GetFileName).OfType<string>().ToList();
        return (Strip(names, ContainerPrefix), Strip(names, LayerPrefix));
    }

    private static List<string> Strip(IEnumerable<string> names, string prefix) =>
        names.Where(name => name.StartsWith(prefix, StringComparison.Ordinal)).Select(name => name[prefix.Length..]).ToList();

    private void Record(string name)
    {
        Directory.CreateDirectory(Folder);
        // An empty marker has no content to tear, and a daemon that is killed keeps the page cache: no fsync on a
        // build's hot path.
        File.Create(Path.Combine(Folder, name)).Dispose();
    }

    private void Forget(string name) => File.Delete(Path.Combine(Folder, name));
}
