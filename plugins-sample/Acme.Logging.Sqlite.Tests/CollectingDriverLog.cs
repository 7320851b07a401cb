using System.Collections.Concurrent;
using Modular.Sdk;

namespace Acme.Logging.Sqlite.Tests;

/// <summary>Keeps what the driver logs, as the daemon's log would.</summary>
internal sealed class CollectingDriverLog : IDriverLog
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public void Debug(string message) => Lines.Enqueue("debug: " + message);

    public void Info(string message) => Lines.Enqueue("info: " + message);

    public void Warn(string message) => Lines.Enqueue("warn: " + message);

    public void Error(string message, Exception? exception = null) => Lines.Enqueue($"error: {message} {exception?.Message}");
}
