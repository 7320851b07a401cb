namespace Modular.Sdk;

/// <summary>
/// The logger the kernel hands to a driver. It is deliberately BCL-only: sharing Microsoft.Extensions.Logging
/// across the plugin boundary would force every plugin onto the kernel's exact version of that package.
/// Messages use plain text; the kernel adds the driver's name to each one.
/// </summary>
public interface IDriverLog
{
    /// <summary>Detail useful only when debugging (shown with <c>--debug</c>).</summary>
    void Debug(string message);
    /// <summary>Normal operational information.</summary>
    void Info(string message);
    /// <summary>Something unexpected that the driver recovered from.</summary>
    void Warn(string message);
    /// <summary>A failure, with its cause when there is one.</summary>
    void Error(string message, Exception? exception = null);
}
