using Microsoft.Extensions.Logging;
using Modular.Sdk;

namespace Modular.Kernel.Plugins;

/// <summary>Bridges the SDK's BCL-only driver log to the kernel's logging pipeline.</summary>
internal sealed class DriverLog(ILogger logger) : IDriverLog
{
    public void Debug(string message) => logger.LogDebug("{Message}", message);

    public void Info(string message) => logger.LogInformation("{Message}", message);

    public void Warn(string message) => logger.LogWarning("{Message}", message);

    public void Error(string message, Exception? exception = null) => logger.LogError(exception, "{Message}", message);
}
