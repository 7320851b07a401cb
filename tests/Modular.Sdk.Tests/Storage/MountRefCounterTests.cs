using Modular.Sdk.Storage;
using Xunit;

namespace Modular.Sdk.Tests.Storage;

public sealed class MountRefCounterTests
{
    [Fact]
    public void FirstAcquireMountsAndLastReleaseUnmounts()
    {
        var counter = new MountRefCounter();
        var mounts = 0;
        var unmounts = 0;

        Assert.Equal("/m", counter.Acquire("a", () => { mounts++; return "/m"; }));
        Assert.Equal("/m", counter.Acquire("a", () => { mounts++; return "/other"; }));
        Assert.True(counter.Release("a", _ => unmounts++));
        Assert.Equal((1, 0), (mounts, unmounts));
        Assert.True(counter.Release("a", path => { Assert.Equal("/m", path); unmounts++; }));
        Assert.Equal((1, 1), (mounts, unmounts));
        Assert.False(counter.Release("a", _ => unmounts++));
        Assert.Equal(0, counter.Count("a"));
    }

    [Fact]
    public void AFailedMountTakesNoReference()
    {
        var counter = new MountRefCounter();

        Assert.Throws<InvalidOperationException>(() => counter.Acquire("a", () => throw new InvalidOperationException()));

        Assert.Equal(0, counter.Count("a"));
        Assert.Equal("/m", counter.Acquire("a", () => "/m"));
    }

    [Fact]
    public void AFailedUnmountKeepsTheReferenceForARetry()
    {
        var counter = new MountRefCounter();
        counter.Acquire("a", () => "/m");

        Assert.Throws<IOException>(() => counter.Release("a", _ => throw new IOException()));

        Assert.Equal(1, counter.Count("a"));
        Assert.True(counter.Release("a", _ => { }));
    }

    [Fact]
    public void ConcurrentUseMountsOnceAtATimeAndEndsUnmounted()
    {
        var counter = new MountRefCounter();
        var mounted = 0;
        var mountCalls = 0;

        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var id = (i % 3).ToString();
            counter.Acquire(id, () =>
            {
                Interlocked.Increment(ref mountCalls);
                Interlocked.Increment(ref mounted);
                return "/" + id;
            });
            counter.Release(id, _ => Interlocked.Decrement(ref mounted));
        });

        Assert.Equal(0, mounted);
        Assert.True(mountCalls >= 3);
        Assert.Empty(counter.ReferencedIds());
    }

    [Fact]
    public void ForgetUnmountsWhateverIsHeld()
    {
        var counter = new MountRefCounter();
        counter.Acquire("a", () => "/m");
        counter.Acquire("a", () => "/m");
        var unmounted = new List<string>();

        counter.Forget("a", unmounted.Add);

        Assert.Equal(["/m"], unmounted);
        Assert.Equal(0, counter.Count("a"));
    }
}
