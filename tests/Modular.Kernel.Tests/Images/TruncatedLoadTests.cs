using System.Runtime.CompilerServices;
using Xunit;
using Modular.Sdk;

namespace Modular.Kernel.Tests.Images;

public sealed class TruncatedLoadTests : IDisposable
{
    private readonly ImageStoreRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public async Task A_truncated_archive_is_an_invalid_argument_and_leaves_no_image_or_layer(double keep)
    {
        var archive = await File.ReadAllBytesAsync(Path.Combine(FixtureFolder(), "docker-20.10-save-two-images.tar"),
            TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<DriverException>(() =>
            _root.Service.LoadAsync(new AsyncOnlyStream(archive[..(int)(archive.Length * keep)]), TestContext.Current.CancellationToken));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("invalid archive: ", error.Message);
        Assert.Empty(_root.Service.All());
        Assert.Empty(_root.LayerRecords());
        Assert.Empty(_root.DriverLayers());
    }

    [Fact]
    public async Task Garbage_is_refused_as_an_invalid_archive()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        var error = await Assert.ThrowsAsync<DriverException>(() =>
            _root.Service.LoadAsync(new MemoryStream(garbage), TestContext.Current.CancellationToken));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Empty(_root.Service.All());
    }

    private static string FixtureFolder([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "Fixtures");
}
