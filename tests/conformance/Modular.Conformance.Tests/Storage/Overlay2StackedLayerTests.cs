using Modular.Sdk;
using Modular.Sdk.Storage;
using Xunit;

namespace Modular.Conformance.Tests.Storage;

/// <summary>
/// overlay2 learns which layers stand on which from disk once, then from its own creates and removals: a layer with a
/// child is refused removal whether the child came before that first look, after it, or before the driver restarted.
/// </summary>
public sealed class Overlay2StackedLayerTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("modular-overlay2-stacked-").FullName;
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
    public void AChildCreatedAfterARemovalStillHoldsItsParent()
    {
        SkipUnlessRoot();
        var driver = _harness.Start(_temp);
        var parent = NewId("parent");
        var early = NewId("early");
        driver.Create(parent, null);
        driver.CreateReadWrite(early, parent);
        driver.Remove(early); // the first removal reads the layers from disk

        var late = NewId("late");
        driver.CreateReadWrite(late, parent);
        var refused = Assert.Throws<DriverException>(() => driver.Remove(parent));
        Assert.Equal(DriverErrorKind.Conflict, refused.Kind);
        Assert.Contains(late, refused.Message);

        driver.Remove(late);
        driver.Remove(parent);
        Assert.False(driver.Exists(parent));
    }

    [Fact]
    public void ChildrenMadeBeforeARestartAreFoundFromDisk()
    {
        SkipUnlessRoot();
        var before = _harness.Start(_temp);
        var parent = NewId("parent");
        var child = NewId("child");
        var grandchild = NewId("grandchild");
        before.Create(parent, null);
        before.Create(child, parent);
        before.CreateReadWrite(grandchild, child);
        before.Cleanup();

        var after = _harness.Start(_temp);
        Assert.Equal(DriverErrorKind.Conflict, Assert.Throws<DriverException>(() => after.Remove(parent)).Kind);
        Assert.Contains(grandchild, Assert.Throws<DriverException>(() => after.Remove(child)).Message);
        after.Remove(grandchild);
        after.Remove(child);
        after.Remove(parent);
    }

    [Fact]
    public void SiblingsRemovedInParallelLeaveTheirParentRemovable()
    {
        SkipUnlessRoot();
        var driver = _harness.Start(_temp);
        var parent = NewId("parent");
        driver.Create(parent, null);
        var children = Enumerable.Range(0, 32).Select(i => NewId($"c{i}")).ToList();
        foreach (var child in children)
        {
            driver.CreateReadWrite(child, parent);
        }

        Parallel.ForEach(children, new ParallelOptions { MaxDegreeOfParallelism = 8 }, driver.Remove);

        driver.Remove(parent);
        Assert.DoesNotContain(children.Append(parent), driver.Exists);
    }

    private static void SkipUnlessRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root: overlay2 starts only as root");
        }
    }

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");
}
