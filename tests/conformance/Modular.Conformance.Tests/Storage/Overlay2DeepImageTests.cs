using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Storage;
using Xunit;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// An image 200 layers deep, beyond dockerd's 125 and the kit's own depth test: overlay2 stacks every layer in one
/// mount (lowerdir+ on this kernel) and the container sees the file each layer added.
/// </summary>
public sealed class Overlay2DeepImageTests : IDisposable
{
    private const int Depth = 200;

    private readonly string _temp = Directory.CreateTempSubdirectory("modular-overlay2-deep-").FullName;
    private readonly Overlay2Harness _harness = new();

    public void Dispose()
    {
        try
        {
            _harness.Dispose();
        }
        finally
        {
            FileTree.RemoveAll(_temp);
        }
    }

    [Fact]
    public void AnImageOf200LayersMountsWithEveryLayersFileVisible()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root: overlay mounts");
        }
        var driver = _harness.Start(_temp);
        Assert.True(driver.Capabilities.MaxLayerDepth is null or >= Depth + 1,
            $"overlay2 reports a maximum depth of {driver.Capabilities.MaxLayerDepth} on this kernel");

        string? parent = null;
        for (var layer = 0; layer < Depth; layer++)
        {
            var id = $"deep{layer:D3}" + Guid.NewGuid().ToString("N")[..8];
            driver.Create(id, parent);
            using var tar = new LayerTarBuilder().File($"file-{layer:D3}", $"layer {layer}").Build();
            driver.ApplyDiff(id, parent, tar);
            parent = id;
        }

        var container = "container" + Guid.NewGuid().ToString("N");
        driver.CreateReadWrite(container, parent);
        var root = driver.Get(container);
        try
        {
            var missing = Enumerable.Range(0, Depth)
                .Where(layer => !File.Exists(Path.Join(root, $"file-{layer:D3}")) || File.ReadAllText(Path.Join(root, $"file-{layer:D3}")) != $"layer {layer}")
                .ToList();
            Assert.True(missing.Count == 0, $"files of layers {string.Join(", ", missing)} are not visible");
            Assert.Equal(Depth, Directory.GetFiles(root).Length);
        }
        finally
        {
            driver.Put(container);
        }

        var topImageRoot = driver.Get(parent!);
        try
        {
            Assert.Equal("layer 0", File.ReadAllText(Path.Join(topImageRoot, "file-000")));
        }
        finally
        {
            driver.Put(parent!);
        }
    }
}
