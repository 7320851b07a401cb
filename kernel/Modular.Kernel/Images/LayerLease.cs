namespace Modular.Kernel.Images;

/// <summary>
/// The layers one import or load is using before an image references them. While leased, a layer is never removed by a
/// concurrent delete; when the operation fails, the layers it created (and nothing else) are removed again.
/// </summary>
internal sealed class LayerLease
{
    public List<string> Held { get; } = [];

    /// <summary>Chain ids this operation registered itself, bottom first.</summary>
    public List<string> Created { get; } = [];
}
