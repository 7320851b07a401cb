using System.Text.Json;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// Writes the manifest a push puts: Docker schema2 when every layer has a Docker media type (what dockerd pushes,
/// readable by every client), otherwise an OCI manifest (zstd layers have no Docker media type).
/// </summary>
internal static class ManifestWriter
{
    public static (byte[] Bytes, string MediaType) Write(Descriptor config, IReadOnlyList<Descriptor> layers)
    {
        var docker = layers.All(layer => layer.MediaType is MediaTypes.DockerLayerGzip or MediaTypes.DockerLayerTar);
        var mediaType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest;
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", mediaType);
            writer.WritePropertyName("config");
            WriteDescriptor(writer, config with { MediaType = docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig });
            writer.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                WriteDescriptor(writer, docker ? layer : layer with { MediaType = ToOci(layer.MediaType) });
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return (buffer.ToArray(), mediaType);
    }

    private static string ToOci(string mediaType) => mediaType switch
    {
        MediaTypes.DockerLayerGzip => MediaTypes.OciLayerGzip,
        MediaTypes.DockerLayerTar => MediaTypes.OciLayerTar,
        _ => mediaType,
    };

    private static void WriteDescriptor(Utf8JsonWriter writer, Descriptor descriptor)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType", descriptor.MediaType);
        writer.WriteNumber("size", descriptor.Size);
        writer.WriteString("digest", descriptor.Digest);
        writer.WriteEndObject();
    }
}
