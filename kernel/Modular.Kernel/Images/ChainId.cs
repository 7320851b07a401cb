namespace Modular.Kernel.Images;

/// <summary>
/// The identity of a layer stacked on its parents (OCI image spec, "ChainID"): the first layer's chain id is its diff
/// id; each next one is sha256 of "&lt;parent chain id&gt; &lt;diff id&gt;".
/// </summary>
internal static class ChainId
{
    public static string Next(string? parentChainId, string diffId) =>
        parentChainId is null ? diffId : Sha256Digest.Of(parentChainId + " " + diffId);

    /// <summary>The chain id of every prefix of <paramref name="diffIds"/>, bottom layer first.</summary>
    public static IReadOnlyList<string> All(IReadOnlyList<string> diffIds)
    {
        var chain = new string[diffIds.Count];
        string? parent = null;
        for (var i = 0; i < diffIds.Count; i++)
        {
            parent = chain[i] = Next(parent, diffIds[i]);
        }
        return chain;
    }
}
