using System.Text.Json.Nodes;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// An image config with other diff ids: used by a push when the storage driver cannot reproduce a layer's tar byte
/// for byte (a layer that arrived by import or load), so the pushed image stays self-consistent and any client can
/// pull it; everything else in the config is kept as it is.
/// </summary>
internal static class ConfigRewriter
{
    public static byte[] WithDiffIds(ReadOnlyMemory<byte> raw, IReadOnlyList<string> diffIds)
    {
        var root = JsonNode.Parse(raw.Span) as JsonObject ?? throw new InvalidOperationException("image config is not a JSON object");
        if (root["rootfs"] is not JsonObject rootfs)
        {
            root["rootfs"] = rootfs = new JsonObject { ["type"] = "layers" };
        }
        rootfs["diff_ids"] = new JsonArray(diffIds.Select(id => (JsonNode?)JsonValue.Create(id)).ToArray());
        return System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
