using Modular.Shim.Protocol;
using Xunit;

namespace Modular.Kernel.Tests.Runtime.Shims;

/// <summary>The protocol's connection over a real abstract unix socket.</summary>
public sealed class ShimChannelTests
{
    [Fact]
    public void TryReadLine_takes_only_what_has_arrived_and_reports_the_end()
    {
        var name = $"modular-test/{Guid.NewGuid():N}";
        using var listener = ShimListener.Listen(name);
        using var daemon = ShimChannel.TryConnect(name) ?? throw new InvalidOperationException("no listener");
        using var shim = listener.Accept();

        Assert.False(daemon.TryReadLine(out _, out _));

        shim.Send("exit 1");
        shim.Send("exit 2");
        Assert.True(daemon.TryReadLine(out var first, out var descriptors));
        Assert.Equal("exit 1", first);
        Assert.Empty(descriptors);
        Assert.True(daemon.TryReadLine(out var second, out _));
        Assert.Equal("exit 2", second);
        Assert.False(daemon.TryReadLine(out _, out _));

        shim.Dispose();
        Assert.True(daemon.TryReadLine(out var end, out _));
        Assert.Null(end);
    }
}
