namespace Modular.Sdk.Logging;

/// <summary>
/// A logging driver, shaped after moby's logger.
/// <para>Lifecycle: <see cref="ValidateOptions"/> when a container is created (so bad <c>--log-opt</c> fails
/// <c>docker create</c>, not start); <see cref="CreateSink"/> each time the container starts, closed when it stops;
/// <see cref="OpenReader"/> whenever <c>docker logs</c> asks, also while a sink writes.</para>
/// </summary>
public interface ILoggingDriver
{
    /// <summary>The driver's name as users select it, e.g. <c>json-file</c>.</summary>
    string Name { get; }

    /// <summary>Rejects unknown keys and bad values with <see cref="DriverErrorKind.InvalidArgument"/> naming the key.</summary>
    void ValidateOptions(IReadOnlyDictionary<string, string> options);

    /// <summary>Opens where the container's output goes for one run of the container.</summary>
    ILogSink CreateSink(LogContext context);

    /// <summary>Opens the container's stored logs for reading, or returns null when this driver cannot read them back
    /// (the kernel then answers <c>docker logs</c> with Docker's "configured logging driver does not support reading" error).</summary>
    ILogReader? OpenReader(LogContext context);
}

/// <summary>Where a sink writes. One sink receives messages from one writer thread at a time.</summary>
public interface ILogSink : IDisposable
{
    /// <summary>
    /// Stores one message, or holds it until <see cref="Flush"/>. The sink owns nothing of the message after returning:
    /// it copies what it keeps.
    /// </summary>
    void Log(LogMessage message);

    /// <summary>
    /// Called after each batch of messages read together from the container (one read of its output). A sink may hold
    /// what <see cref="Log"/> gave it until then, to store a batch with one write; once this returns, readers and
    /// followers see every message logged before it, and <see cref="IDisposable.Dispose"/> stores what is still held.
    /// The default does nothing, for sinks that store each message as it is logged.
    /// </summary>
    void Flush()
    {
    }
}

/// <summary>Reads stored logs back.</summary>
public interface ILogReader
{
    /// <summary>
    /// Yields the stored messages that match <paramref name="options"/>, oldest first. With
    /// <see cref="LogReadOptions.Follow"/> it then waits for new ones until <see cref="LogReadOptions.WriterClosed"/>
    /// completes (after yielding what was written before it did) or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    IAsyncEnumerable<LogMessage> ReadAsync(LogReadOptions options, CancellationToken cancellationToken);
}
