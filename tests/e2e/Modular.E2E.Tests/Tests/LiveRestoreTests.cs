using System.Net.Http;
using Modular.E2E.Tests.Harness;
using Xunit;

namespace Modular.E2E.Tests.Tests;

/// <summary>
/// Containers outlive their daemon (each has a modular-shim holding its stdio and exit status). Each test kills or
/// stops its own daemon, so none shares one.
/// </summary>
public sealed class LiveRestoreTests
{
    private const int Writers = 20;

    [Fact]
    public async Task After_sigkill_running_containers_keep_running_with_complete_logs_and_an_exit_in_between_is_recorded()
    {
        await using var daemon = new PrivateDaemon();
        await daemon.InitializeAsync();
        var writers = Enumerable.Range(0, Writers).Select(i => Names.Unique($"writer{i}")).ToList();
        await Task.WhenAll(writers.Select(name => MustSucceed(daemon.Docker("run", "-d", "--name", name, "busybox", "sh", "-c",
            "i=0; while true; do echo line $i; i=$((i+1)); sleep 0.05; done"))));
        var quitter = Names.Unique("quitter");
        await MustSucceed(daemon.Docker("run", "-d", "--name", quitter, "busybox", "sh", "-c", "sleep 2; echo said while the daemon was away; exit 7"));
        var pids = new Dictionary<string, string>();
        foreach (var name in writers)
        {
            pids[name] = (await MustSucceed(daemon.Docker("inspect", "--format", "{{.State.Pid}}", name))).Stdout.Trim();
        }

        await daemon.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await daemon.StartAsync();

        foreach (var name in writers)
        {
            var state = (await MustSucceed(daemon.Docker("inspect", "--format", "{{.State.Status}} {{.State.Pid}}", name))).Stdout.Trim();
            Assert.Equal($"running {pids[name]}", state);
        }
        Assert.Equal("exited 7", (await MustSucceed(daemon.Docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", quitter))).Stdout.Trim());
        Assert.Equal("said while the daemon was away", (await MustSucceed(daemon.Docker("logs", quitter))).Stdout.Trim());

        // What the writers said while no daemon listened waited in their shims' pipes: the log has every line, in order,
        // with no gap.
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        foreach (var name in writers)
        {
            var logs = await MustSucceed(daemon.Docker("logs", name));
            var numbers = logs.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => int.Parse(line["line ".Length..])).ToList();
            // At least once: a line the killed daemon had logged but not yet taken from the pipe is logged again.
            var distinct = numbers.Distinct().ToList();
            Assert.True(distinct.Count > 100, $"{name}: only {distinct.Count} lines: the writer should have gone on for over 5 s");
            Assert.Equal(Enumerable.Range(0, distinct.Count), distinct);
            Assert.Equal(numbers.Order(), numbers);
        }

        // The reattached containers are fully managed again: exec, stop with its exit status, removal.
        Assert.Equal("hello", (await MustSucceed(daemon.Docker("exec", writers[0], "echo", "hello"))).Stdout.Trim());
        await MustSucceed(daemon.Docker("stop", "-t", "1", writers[0]));
        Assert.Equal("exited 137", (await MustSucceed(daemon.Docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", writers[0]))).Stdout.Trim());
        await MustSucceed(daemon.Docker(["rm", "-f", .. writers, quitter]));
        Assert.Empty(ShimsOf(daemon));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_published_port_and_name_resolution_keep_working_across_a_daemon_kill(bool userlandProxy)
    {
        await using var daemon = new PrivateDaemon();
        File.WriteAllText(Path.Combine(daemon.Root, "daemon.json"), $"{{\"userland-proxy\": {(userlandProxy ? "true" : "false")}}}\n");
        await daemon.InitializeAsync();
        var network = Names.Unique("live");
        var server = Names.Unique("web");
        var client = Names.Unique("client");
        await MustSucceed(daemon.Docker("network", "create", network));
        await MustSucceed(daemon.Docker("run", "-d", "--name", server, "--network", network, "-p", "127.0.0.1::80", "busybox",
            "sh", "-c", "mkdir -p /www && echo served > /www/index.html && httpd -f -p 80 -h /www"));
        await MustSucceed(daemon.Docker("run", "-d", "--name", client, "--network", network, "busybox", "sleep", "300"));
        var port = (await MustSucceed(daemon.Docker("port", server, "80/tcp"))).Stdout.Trim().Split(':')[^1];
        Assert.Equal("served", await FetchAsync(port));

        await daemon.KillAsync();
        await daemon.StartAsync();

        Assert.Equal("served", await FetchAsync(port));
        var fetched = await daemon.Docker("exec", client, "sh", "-c", $"timeout 5 wget -q -O - http://{server}/index.html");
        Assert.True(fetched.ExitCode == 0 && fetched.Stdout.Trim() == "served", fetched.ToString());
        await MustSucceed(daemon.Docker("rm", "-f", server, client));
        await MustSucceed(daemon.Docker("network", "rm", network));
    }

    [Fact]
    public async Task A_detached_exec_keeps_running_across_a_daemon_kill()
    {
        await using var daemon = new PrivateDaemon();
        await daemon.InitializeAsync();
        var name = Names.Unique("exec-kept");
        await MustSucceed(daemon.Docker("run", "-d", "--name", name, "--network", "none", "busybox", "sleep", "300"));
        // It writes all the time: with its output piped to the daemon, the first write after the kill would end it.
        await MustSucceed(daemon.Docker("exec", "-d", name, "sh", "-c", "while true; do echo tick; sleep 0.1; done"));
        Assert.Contains("while true", (await MustSucceed(daemon.Docker("exec", name, "ps", "-o", "args"))).Stdout);

        await daemon.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await daemon.StartAsync();

        Assert.Contains("while true", (await MustSucceed(daemon.Docker("exec", name, "ps", "-o", "args"))).Stdout);
        await MustSucceed(daemon.Docker("rm", "-f", name));
        Assert.Empty(ShimsOf(daemon));
    }

    [Fact]
    public async Task A_clean_stop_leaves_containers_running_by_default_and_stops_them_with_live_restore_false()
    {
        await using var daemon = new PrivateDaemon();
        await daemon.InitializeAsync();
        var kept = Names.Unique("kept");
        await MustSucceed(daemon.Docker("run", "-d", "--name", kept, "--stop-timeout", "1", "busybox", "sleep", "300"));
        var pid = (await MustSucceed(daemon.Docker("inspect", "--format", "{{.State.Pid}}", kept))).Stdout.Trim();

        await daemon.StopAsync();
        File.WriteAllText(Path.Combine(daemon.Root, "daemon.json"), "{\"live-restore\": false}\n");
        await daemon.StartAsync();
        Assert.Equal($"running {pid}", (await MustSucceed(daemon.Docker("inspect", "--format", "{{.State.Status}} {{.State.Pid}}", kept))).Stdout.Trim());
        Assert.Equal("false", (await MustSucceed(daemon.Docker("info", "--format", "{{.LiveRestoreEnabled}}"))).Stdout.Trim());

        await daemon.StopAsync();
        File.WriteAllText(Path.Combine(daemon.Root, "daemon.json"), "{}\n");
        await daemon.StartAsync();
        Assert.Equal("exited", (await MustSucceed(daemon.Docker("inspect", "--format", "{{.State.Status}}", kept))).Stdout.Trim());
        Assert.Empty(ShimsOf(daemon));
    }

    /// <summary>modular-shim processes serving this daemon (their command line names its exec-root).</summary>
    private static List<int> ShimsOf(PrivateDaemon daemon)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var state = File.ReadAllLines(Path.Combine(directory, "status")).FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "";
                if (commandLine.Contains("modular-shim", StringComparison.Ordinal) && commandLine.Contains(daemon.ExecRoot, StringComparison.Ordinal)
                    && !state.Contains("zombie", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone while we looked.
            }
        }
        return found;
    }

    private static async Task<string> FetchAsync(string port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return (await http.GetStringAsync($"http://127.0.0.1:{port}/index.html")).Trim();
            }
            catch (HttpRequestException) when (attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }

    private static async Task<CommandResult> MustSucceed(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
