using Modular.Kernel.Images.Distribution;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Distribution;

public sealed class RegistryRetryTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task Transient_failures_are_retried_with_doubling_delays_until_one_attempt_succeeds()
    {
        var statuses = new List<string>();
        var attempts = new List<int>();

        var result = await RegistryRetry.RunAsync(attempt =>
        {
            attempts.Add(attempt);
            return attempt switch
            {
                1 => throw new HttpRequestException("connection reset by peer"),
                2 => throw new DriverException(DriverErrorKind.Unavailable, "503 Service Unavailable"),
                _ => Task.FromResult("done"),
            };
        }, 5, TimeSpan.FromSeconds(0.001), "failed to upload layer", statuses.Add, TestContext.Current.CancellationToken);

        Assert.Equal("done", result);
        Assert.Equal([1, 2, 3], attempts);
        Assert.Equal(["Retrying in 1 second", "Retrying in 1 second"], statuses);
    }

    [Fact]
    public async Task A_failure_that_lasts_ends_with_the_reason_and_the_number_of_attempts()
    {
        var attempts = 0;

        var error = await Assert.ThrowsAsync<DriverException>(() => RegistryRetry.RunAsync<int>(_ =>
        {
            attempts++;
            throw new DriverException(DriverErrorKind.Unavailable, "error uploading layer: 503 Service Unavailable");
        }, 3, Quick, "failed to upload layer sha256:abc", null, TestContext.Current.CancellationToken));

        Assert.Equal(3, attempts);
        Assert.Equal("failed to upload layer sha256:abc after 3 attempts: error uploading layer: 503 Service Unavailable", error.Message);
    }

    [Fact]
    public async Task Refusals_and_a_full_disk_are_not_retried()
    {
        foreach (var failure in new Exception[]
        {
            DriverException.NotFound("manifest unknown"),
            new DriverException(DriverErrorKind.Forbidden, "unauthorized"),
            new IOException("No space left on device : '/data/tmp/pull-1'", 28),
        })
        {
            var attempts = 0;
            var thrown = await Assert.ThrowsAnyAsync<Exception>(() => RegistryRetry.RunAsync<int>(_ =>
            {
                attempts++;
                throw failure;
            }, 5, Quick, "failed", null, TestContext.Current.CancellationToken));

            Assert.Same(failure, thrown);
            Assert.Equal(1, attempts);
        }
    }

    [Fact]
    public void Disk_full_is_found_inside_wrapping_exceptions()
    {
        var wrapped = new AggregateException(new DriverException(DriverErrorKind.Internal, "extracting layer", new IOException("disk", 28)));

        Assert.True(RegistryErrors.IsDiskFull(wrapped));
        Assert.False(RegistryErrors.IsDiskFull(new IOException("broken pipe", 32)));
        Assert.False(RegistryErrors.IsTransient(wrapped));
    }
}
