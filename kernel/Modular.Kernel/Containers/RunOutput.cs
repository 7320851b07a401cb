using Modular.Kernel.Runtime.Shims;
using Modular.Sdk.Logging;

namespace Modular.Kernel.Containers;

/// <summary>Where one run's output goes (its log sink, fed by the copier) and the stdin attached clients may write.</summary>
internal sealed record RunOutput(ILogSink Sink, Task Copier, Stream? Stdin)
{
    /// <summary>Closes the log and the daemon's copies of the run's stdio; the shim keeps its own until released.</summary>
    public void Close(ShimSession session)
    {
        Sink.Dispose();
        session.Terminal?.Dispose();
        session.Stdout?.Dispose();
        session.Stderr?.Dispose();
        session.Stdin?.Dispose();
    }
}
