namespace Modular.Storage.Overlay2;

/// <summary>
/// Where overlay2 keeps one layer: <c>&lt;root&gt;/&lt;id&gt;/{diff,work,merged,link,lower,committed}</c>, plus the short
/// link <c>&lt;root&gt;/l/&lt;short&gt;</c> pointing at <c>../&lt;id&gt;/diff</c>.
/// </summary>
internal sealed class LayerPaths(string root, string id)
{
    public string Directory { get; } = Path.Join(root, id);

    public string Diff => Path.Join(Directory, "diff");

    public string Work => Path.Join(Directory, "work");

    public string Merged => Path.Join(Directory, "merged");

    /// <summary>Holds the layer's short link name.</summary>
    public string LinkFile => Path.Join(Directory, "link");

    /// <summary>Holds the parents' short links, nearest first, as <c>l/A:l/B</c>; absent for a base layer.</summary>
    public string LowerFile => Path.Join(Directory, "lower");

    /// <summary>Present for image layers, which are mounted read-only, as lower directories only.</summary>
    public string CommittedMarker => Path.Join(Directory, "committed");
}
