using Xunit;

namespace Modular.Sdk.Conformance.Storage;

public abstract partial class StorageDriverConformance
{
    /// <summary>A created layer exists until it is removed, and is gone after.</summary>
    [Fact]
    public void CreatedLayerExistsUntilRemoved()
    {
        var id = NewId();
        Assert.False(Driver.Exists(id));
        Driver.Create(id, null);
        Assert.True(Driver.Exists(id));
        Driver.Remove(id);
        Assert.False(Driver.Exists(id));
    }

    /// <summary>A layer on a missing parent is refused as NotFound, and nothing is created.</summary>
    [Fact]
    public void CreatingOnAMissingParentIsNotFound()
    {
        var id = NewId();
        AssertFails(DriverErrorKind.NotFound, () => Driver.Create(id, NewId()));
        AssertFails(DriverErrorKind.NotFound, () => Driver.CreateReadWrite(id, NewId()));
        Assert.False(Driver.Exists(id));
    }

    /// <summary>An id that exists cannot be created again, read-only or read-write.</summary>
    [Fact]
    public void CreatingAnExistingIdIsConflict()
    {
        var id = NewId();
        Driver.Create(id, null);
        AssertFails(DriverErrorKind.Conflict, () => Driver.Create(id, null));
        AssertFails(DriverErrorKind.Conflict, () => Driver.CreateReadWrite(id, null));
        Assert.True(Driver.Exists(id));
    }

    /// <summary>Removing, mounting or releasing a layer that does not exist is NotFound.</summary>
    [Fact]
    public void MissingLayersAreNotFound()
    {
        AssertFails(DriverErrorKind.NotFound, () => Driver.Remove(NewId()));
        AssertFails(DriverErrorKind.NotFound, () => Driver.Get(NewId()));
        AssertFails(DriverErrorKind.NotFound, () => Driver.Put(NewId()));
    }

    /// <summary>Ids that could name a path outside the driver's root are refused.</summary>
    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("")]
    public void PathLikeIdsAreRefused(string id)
    {
        AssertFails(DriverErrorKind.InvalidArgument, () => Driver.Create(id, null));
    }
}
