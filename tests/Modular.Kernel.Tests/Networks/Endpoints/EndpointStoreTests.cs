using Modular.Kernel.Networks;
using Modular.Kernel.Tests.Containers;
using Xunit;

namespace Modular.Kernel.Tests.Networks.Endpoints;

/// <summary>endpoints.json: every change is on disk when it returns, also when many come at once; no-op changes write nothing.</summary>
public sealed class EndpointStoreTests : IDisposable
{
    private readonly TempFolder _folder = new("endpoints");

    public void Dispose() => _folder.Dispose();

    private string File => _folder.Combine("network", "endpoints.json");

    [Fact]
    public void Concurrent_changes_all_reach_the_file()
    {
        Directory.CreateDirectory(_folder.Combine("network"));
        var store = new EndpointStore(_folder.Path);
        var ids = Enumerable.Range(0, 64).Select(i => $"container-{i:D2}").ToList();

        Parallel.ForEach(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 }, id =>
        {
            store.Put(new EndpointRecord(id, "none-network"));
            // The file holds this change the moment Put returns, whichever write carried it.
            Assert.Contains(new EndpointStore(_folder.Path).All, r => r.ContainerId == id);
        });
        Parallel.ForEach(ids.Where((_, i) => i % 2 == 0), id => store.RemoveContainer(id));

        var reread = new EndpointStore(_folder.Path).All.Select(r => r.ContainerId).Order().ToList();
        Assert.Equal(ids.Where((_, i) => i % 2 == 1).ToList(), reread);
    }

    [Fact]
    public void A_change_that_changes_nothing_does_not_write()
    {
        Directory.CreateDirectory(_folder.Combine("network"));
        var store = new EndpointStore(_folder.Path);
        store.Put(new EndpointRecord("kept", "none-network"));
        var written = System.IO.File.GetLastWriteTimeUtc(File);
        System.IO.File.SetLastWriteTimeUtc(File, written.AddHours(-1));

        store.RemoveContainer("never-there");
        store.Put(store.OfContainer("kept").Single());

        Assert.Equal(written.AddHours(-1), System.IO.File.GetLastWriteTimeUtc(File));
        store.RemoveContainer("kept");
        Assert.NotEqual(written.AddHours(-1), System.IO.File.GetLastWriteTimeUtc(File));
        Assert.Empty(new EndpointStore(_folder.Path).All);
    }
}
