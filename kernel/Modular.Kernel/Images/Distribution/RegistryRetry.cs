using Modular.Sdk;

namespace Modular.Kernel.Images.Distribution;

/// <summary>
/// Repeats a registry exchange that failed for a transient reason (5xx, 408/429, a connection cut off) with a delay
/// that doubles each time, up to the configured number of attempts; then fails with the last reason and the count.
/// Each attempt runs the whole exchange again, so an upload opens a new upload session rather than reusing a broken one.
/// </summary>
internal static class RegistryRetry
{
    public static async Task<T> RunAsync<T>(Func<int, Task<T>> attempt, int maxAttempts, TimeSpan firstDelay, string failure,
        Action<string>? status, CancellationToken cancellationToken)
    {
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt(number);
            }
            catch (Exception e) when (RegistryErrors.IsTransient(e) && number < maxAttempts && !cancellationToken.IsCancellationRequested)
            {
                var delay = firstDelay * Math.Pow(2, number - 1);
                status?.Invoke($"Retrying in {Math.Ceiling(delay.TotalSeconds)} second{(delay.TotalSeconds > 1 ? "s" : "")}");
                await Task.Delay(delay, cancellationToken);
            }
            catch (Exception e) when (RegistryErrors.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                throw new DriverException(DriverErrorKind.Unavailable, $"{failure} after {number} attempts: {e.Message}");
            }
        }
    }
}
