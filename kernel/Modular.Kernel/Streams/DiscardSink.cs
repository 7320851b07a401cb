using Modular.Sdk.Logging;

namespace Modular.Kernel.Streams;

/// <summary>The sink for output that is only streamed, never stored: an exec's output goes to its client, not to the container's logs.</summary>
public sealed class DiscardSink : ILogSink
{
    public static readonly DiscardSink Instance = new();

    public void Log(LogMessage message)
    {
    }

    public void Dispose()
    {
    }
}
