using System.Formats.Tar;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// An OCI image whose only layer is zstd-compressed (application/vnd.oci.image.layer.v1.tar+zstd), built by hand and
/// uploaded through docker-registry's API (no engine here writes zstd layers): modulard pulls it, verifies it and runs it.
/// </summary>
[Collection(DaemonCollection.Name)]
public sealed class RegistryZstdTests(PrivateDaemon daemon)
{
    private const string ZstdLayer = "application/vnd.oci.image.layer.v1.tar+zstd";

    [Fact]
    public async Task AnImageWithAZstdLayerIsPulledAndRuns()
    {
        await using var registry = await RegistryServer.StartAsync(RegistryMode.Open);
        var cancellationToken = TestContext.Current.CancellationToken;
        var marker = Guid.NewGuid().ToString("N");
        var tar = LayerTar(marker);
        var diffId = Digest(tar);
        byte[] layer;
        using (var compressor = new ZstdSharp.Compressor(3))
        {
            layer = compressor.Wrap(tar).ToArray();
        }
        var config = Encoding.UTF8.GetBytes(
            $$"""{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/busybox","cat","/marker"]},"rootfs":{"type":"layers","diff_ids":["{{diffId}}"]},"history":[{"created_by":"e2e zstd layer"}]}""");
        var manifest = Encoding.UTF8.GetBytes(
            $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{Digest(config)}}","size":{{config.Length}}},"layers":[{"mediaType":"{{ZstdLayer}}","digest":"{{Digest(layer)}}","size":{{layer.Length}}}]}""");
        using var http = new HttpClient { BaseAddress = new Uri($"http://{registry.Host}/") };
        await UploadBlobAsync(http, layer, cancellationToken);
        await UploadBlobAsync(http, config, cancellationToken);
        var manifestContent = new ByteArrayContent(manifest);
        manifestContent.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using (var put = await http.PutAsync("v2/e2e/zstd/manifests/v1", manifestContent, cancellationToken))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(cancellationToken) + registry.ReadLog());
        }
        var image = $"{registry.Host}/e2e/zstd:v1";

        var pull = await daemon.Docker("pull", image);
        var layers = await daemon.Docker("image", "inspect", "--format", "{{json .RootFS.Layers}} {{.Id}}", image);
        var run = await daemon.Docker("run", "--rm", image);
        var remove = await daemon.Docker("rmi", image);

        Assert.True(pull.ExitCode == 0, pull + daemon.ReadLog());
        Assert.Contains($"Digest: {Digest(manifest)}", pull.Stdout);
        Assert.Equal($"[\"{diffId}\"] {Digest(config)}\n", layers.Stdout);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(marker + "\n", run.Stdout);
        Assert.True(remove.ExitCode == 0, remove.ToString());
    }

    /// <summary>A layer with the static busybox as /bin/busybox and a file whose content only this test knows.</summary>
    private static byte[] LayerTar(string marker)
    {
        var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = (UnixFileMode)0b111_101_101 });
            writer.WriteEntry("/bin/busybox", "bin/busybox");
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "marker")
            {
                Mode = (UnixFileMode)0b110_100_100,
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(marker + "\n")),
            });
        }
        return buffer.ToArray();
    }

    private static async Task UploadBlobAsync(HttpClient http, byte[] blob, CancellationToken cancellationToken)
    {
        using var start = await http.PostAsync("v2/e2e/zstd/blobs/uploads/", null, cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!;
        var target = location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location);
        var separator = string.IsNullOrEmpty(target.Query) ? "?" : "&";
        var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync(new Uri(target + separator + "digest=" + Uri.EscapeDataString(Digest(blob))), content, cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, put.StatusCode);
    }

    private static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
