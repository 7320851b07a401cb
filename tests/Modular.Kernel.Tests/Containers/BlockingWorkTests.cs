using Modular.Kernel.Containers;
using Xunit;

namespace Modular.Kernel.Tests.Containers;

public sealed class BlockingWorkTests
{
    [Fact]
    public async Task WorkRunsOffThePoolAndItsFailureReachesTheAwaiter()
    {
        bool? onPoolThread = null;
        await BlockingWork.RunAsync(() => onPoolThread = Thread.CurrentThread.IsThreadPoolThread);
        Assert.False(onPoolThread);

        var failure = await Assert.ThrowsAsync<IOException>(() => BlockingWork.RunAsync(() => throw new IOException("disk gone")));
        Assert.Equal("disk gone", failure.Message);
    }

    [Fact]
    public async Task BlockedWorkDoesNotHoldBackThePool()
    {
        using var release = new ManualResetEventSlim();
        var blocked = Enumerable.Range(0, Environment.ProcessorCount * 8).Select(_ => BlockingWork.RunAsync(() => release.Wait())).ToList();
        try
        {
            var poolWork = Task.Run(() => true, TestContext.Current.CancellationToken);
            Assert.Same(poolWork, await Task.WhenAny(poolWork, Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken)));
        }
        finally
        {
            release.Set();
            await Task.WhenAll(blocked);
        }
    }
}
