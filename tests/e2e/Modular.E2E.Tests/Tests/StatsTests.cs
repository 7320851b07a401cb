using System.Net;
using System.Text.Json;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

[Collection(DaemonCollection.Name)]
public sealed class StatsTests(PrivateDaemon daemon)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BusyContainerUsesCpuBetweenTheTwoSamplesOfANoStreamAnswer()
    {
        var name = Names.Unique("stats-busy");
        try
        {
            await RunDetachedAsync(name, "sh", "-c", "while :; do :; done");

            using var frame = await GetFrameAsync($"containers/{name}/stats?stream=false");
            var root = frame.RootElement;
            var cpu = root.GetProperty("cpu_stats");
            var precpu = root.GetProperty("precpu_stats");
            Assert.True(TotalUsage(cpu) > TotalUsage(precpu), root.ToString());
            Assert.True(cpu.GetProperty("system_cpu_usage").GetUInt64() > precpu.GetProperty("system_cpu_usage").GetUInt64(), root.ToString());
            Assert.True(cpu.GetProperty("online_cpus").GetUInt32() >= 1);
            Assert.True(root.GetProperty("memory_stats").GetProperty("usage").GetUInt64() > 0, root.ToString());
            Assert.True(root.GetProperty("memory_stats").GetProperty("limit").GetUInt64() > 0, root.ToString());
            Assert.True(root.GetProperty("pids_stats").GetProperty("current").GetUInt64() >= 1, root.ToString());
            Assert.Equal("/" + name, root.GetProperty("name").GetString());
            var interval = root.GetProperty("read").GetDateTimeOffset() - root.GetProperty("preread").GetDateTimeOffset();
            Assert.InRange(interval, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task StreamSendsAFramePerSecondEachFollowingTheLast()
    {
        var name = Names.Unique("stats-stream");
        try
        {
            await RunDetachedAsync(name, "sh", "-c", "while :; do :; done");

            using var response = await daemon.Api.GetAsync($"containers/{name}/stats", HttpCompletionOption.ResponseHeadersRead, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation));
            var frames = new List<JsonDocument>();
            try
            {
                for (var i = 0; i < 3; i++)
                {
                    var line = await reader.ReadLineAsync(Cancellation).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
                    Assert.NotNull(line);
                    frames.Add(JsonDocument.Parse(line));
                }
                for (var i = 1; i < frames.Count; i++)
                {
                    var previous = frames[i - 1].RootElement;
                    var current = frames[i].RootElement;
                    Assert.Equal(previous.GetProperty("read").GetString(), current.GetProperty("preread").GetString());
                    Assert.True(TotalUsage(current.GetProperty("cpu_stats")) > TotalUsage(previous.GetProperty("cpu_stats")));
                    Assert.Equal(TotalUsage(previous.GetProperty("cpu_stats")), TotalUsage(current.GetProperty("precpu_stats")));
                }
            }
            finally
            {
                frames.ForEach(f => f.Dispose());
            }
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task NoStreamPrintsARowWithTheContainersNameAndFigures()
    {
        var name = Names.Unique("stats-cli");
        try
        {
            await RunDetachedAsync(name, "sh", "-c", "while :; do :; done");

            var stats = await daemon.DockerWithTimeout(TimeSpan.FromSeconds(30), "stats", "--no-stream", "--format", "{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}", name);
            Assert.True(stats.ExitCode == 0, stats.ToString());
            var fields = stats.Stdout.Trim().Split(' ');
            Assert.True(fields.Length >= 4 && fields[0] == name, stats.ToString());
            Assert.Matches(@"^\d+\.\d\d%$", fields[1]);
            Assert.True(double.Parse(fields[1].TrimEnd('%'), System.Globalization.CultureInfo.InvariantCulture) > 0, stats.ToString());
            Assert.DoesNotMatch("^0B$", fields[2]);
            Assert.Equal("1", fields[^1]);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    [Fact]
    public async Task StoppedContainerAnswersAZeroFrameAndUnknownOneIs404()
    {
        var name = Names.Unique("stats-exited");
        try
        {
            var run = await daemon.Docker("run", "--name", name, "busybox", "true");
            Assert.True(run.ExitCode == 0, run.ToString());

            using var frame = await GetFrameAsync($"containers/{name}/stats?stream=false");
            var root = frame.RootElement;
            Assert.Equal("0001-01-01T00:00:00Z", root.GetProperty("read").GetString());
            Assert.Equal(0UL, TotalUsage(root.GetProperty("cpu_stats")));
            Assert.Equal(JsonValueKind.Null, root.GetProperty("blkio_stats").GetProperty("io_service_bytes_recursive").ValueKind);
            Assert.False(root.GetProperty("memory_stats").TryGetProperty("usage", out _));
            Assert.Equal("/" + name, root.GetProperty("name").GetString());

            using var missing = await daemon.Api.GetAsync($"containers/{Names.Unique("missing")}/stats?stream=false", Cancellation);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            await daemon.Docker("rm", "-f", name);
        }
    }

    private async Task RunDetachedAsync(string name, params string[] command)
    {
        var run = await daemon.Docker(["run", "-d", "--name", name, "busybox", .. command]);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private async Task<JsonDocument> GetFrameAsync(string path)
    {
        using var response = await daemon.Api.GetAsync(path, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body);
    }

    private static ulong TotalUsage(JsonElement cpuStats) => cpuStats.GetProperty("cpu_usage").GetProperty("total_usage").GetUInt64();
}
