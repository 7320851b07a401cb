namespace Modular.Sdk.Logging;

/// <summary>Which stream of the container a message came from.</summary>
public enum LogSource
{
    /// <summary>The container's standard output.</summary>
    Stdout,
    /// <summary>The container's standard error.</summary>
    Stderr,
}

/// <summary>One line (or one partial chunk of a line longer than the copier's buffer) of container output.</summary>
/// <param name="Source">The stream it came from.</param>
/// <param name="Line">The bytes, including the trailing newline when the line is complete.</param>
/// <param name="Timestamp">When the kernel read it, UTC.</param>
public sealed record LogMessage(LogSource Source, ReadOnlyMemory<byte> Line, DateTimeOffset Timestamp);

/// <summary>The container a sink or reader is for.</summary>
/// <param name="ContainerId">The 64-hex id.</param>
/// <param name="ContainerName">The name without the leading slash.</param>
/// <param name="ContainerDirectory">The container's own folder under data-root; file-based drivers write there.</param>
/// <param name="Options">The container's log options (<c>--log-opt</c>, else daemon.json <c>log-opts</c>).</param>
public sealed record LogContext(
    string ContainerId,
    string ContainerName,
    string ContainerDirectory,
    IReadOnlyDictionary<string, string> Options);

/// <summary>What <c>docker logs</c> asked for.</summary>
/// <param name="Tail">How many of the last messages to return, or null for all.</param>
/// <param name="Since">Only messages at or after this time.</param>
/// <param name="Until">Only messages before this time.</param>
/// <param name="Follow">Keep streaming new messages.</param>
/// <param name="WriterClosed">Completes when the container's current sink is closed (the container stopped); null when none is open.</param>
public sealed record LogReadOptions(
    int? Tail = null,
    DateTimeOffset? Since = null,
    DateTimeOffset? Until = null,
    bool Follow = false,
    Task? WriterClosed = null);
