using Modular.Api.Models;
using Modular.Kernel.Health;
using Modular.Kernel.Images;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Health;

public sealed class HealthSettingsTests
{
    [Fact]
    public void CmdShellRunsWithTheContainersShellOrShC()
    {
        var check = new HealthConfig { Test = ["CMD-SHELL", "curl -f localhost"] };
        Assert.Equal(["/bin/sh", "-c", "curl -f localhost"], HealthSettings.Of(check, shell: null)!.Command);
        Assert.Equal(["/bin/bash", "-ec", "curl -f localhost"], HealthSettings.Of(check, ["/bin/bash", "-ec"])!.Command);
    }

    [Fact]
    public void CmdRunsItsArgumentsWithDockersDefaults()
    {
        var settings = HealthSettings.Of(new HealthConfig { Test = ["CMD", "test", "-f", "/ok"] }, shell: null)!;
        Assert.Equal(["test", "-f", "/ok"], settings.Command);
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.FromSeconds(5), 3),
            (settings.Interval, settings.Timeout, settings.StartPeriod, settings.StartInterval, settings.Retries));
    }

    [Theory]
    [InlineData("NONE")]
    [InlineData("BOGUS")]
    public void NoneOrUnknownKindsRunNoMonitor(string kind) =>
        Assert.Null(HealthSettings.Of(new HealthConfig { Test = [kind, "true"] }, shell: null));

    [Fact]
    public void MissingTestRunsNoMonitor()
    {
        Assert.Null(HealthSettings.Of(null, shell: null));
        Assert.Null(HealthSettings.Of(new HealthConfig { Test = ["NONE"] }, shell: null));
        Assert.Null(HealthSettings.Of(new HealthConfig { Interval = 1_000_000_000 }, shell: null));
    }

    [Fact]
    public void UnsetFieldsOfTheRequestComeFromTheImage()
    {
        var image = new ImageHealthcheck(["CMD", "true"], 1_000_000_000, 2_000_000_000, 0, 0, 4);
        var merged = HealthcheckMerge.Merge(new HealthConfig { Interval = 5_000_000_000 }, image)!;
        Assert.Equal(["CMD", "true"], merged.Test);
        Assert.Equal((5_000_000_000, 2_000_000_000, 4), (merged.Interval, merged.Timeout, merged.Retries));
        Assert.Equal(["NONE"], HealthcheckMerge.Merge(new HealthConfig { Test = ["NONE"] }, image)!.Test);
    }

    [Theory]
    [InlineData(-1, 0, 0, "Interval in Healthcheck cannot be less than 1ms")]
    [InlineData(999_999, 0, 0, "Interval in Healthcheck cannot be less than 1ms")]
    [InlineData(0, 5, 0, "Timeout in Healthcheck cannot be less than 1ms")]
    [InlineData(0, 0, -1, "Retries in Healthcheck cannot be negative")]
    public void DurationsBelowOneMillisecondAreRefused(long interval, long timeout, int retries, string message)
    {
        var error = Assert.Throws<DriverException>(() =>
            HealthConfigValidator.Validate(new HealthConfig { Interval = interval, Timeout = timeout, Retries = retries }));
        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void OneMillisecondAndZeroAreAccepted() =>
        HealthConfigValidator.Validate(new HealthConfig { Interval = 1_000_000, Timeout = 0, StartPeriod = 1_000_000 });

    [Theory]
    [InlineData(300, "300ms")]
    [InlineData(1000, "1s")]
    [InlineData(1500, "1.5s")]
    [InlineData(90_000, "1m30s")]
    public void TimeoutsPrintAsGoDurations(int milliseconds, string expected) =>
        Assert.Equal(expected, GoDurationText.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void ProbeOutputIsCutAt4096BytesWithAnEllipsis()
    {
        var output = new ProbeOutput();
        output.Append(new byte[4000].Select(_ => (byte)'a').ToArray());
        output.Append(new byte[200].Select(_ => (byte)'b').ToArray());
        var text = output.ToString();
        Assert.Equal(4096 + 3, text.Length);
        Assert.EndsWith("bbb...", text);
    }
}
