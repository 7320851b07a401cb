using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modular.Kernel.Configuration;
using Modular.Kernel.Host;
using Modular.Kernel.Runtime;
using Xunit;

namespace Modular.Kernel.Tests.Runtime;

/// <summary>
/// Real runc containers (busybox sleep): the state of one whose init is gone is released without `runc delete`,
/// and everything runc's delete would do more than that (kill a live init, run a poststop hook, leave a shared PID
/// namespace's processes to be killed) is still left to runc.
/// </summary>
public sealed class RuncStoppedStateTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("modular-runc-state-").FullName;
    private readonly OciRuntime _runtime;
    private readonly List<string> _ids = [];

    public RuncStoppedStateTests()
    {
        _runtime = new OciRuntime("runc", new RuntimeConfig("runc", []), Path.Combine(_root, "exec"));
    }

    public void Dispose()
    {
        foreach (var id in _ids)
        {
            Runc("delete", "--force", id);
        }
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task AStoppedContainersCgroupsAndStateGoWithoutRunc()
    {
        SkipUnlessRuncCanRun();
        var id = Run(hostPidNamespace: false);
        var cgroups = CgroupPathsOf(id);
        Assert.All(cgroups, path => Assert.True(Directory.Exists(path), $"{path} exists while the container runs"));

        KillInit(id);

        Assert.True(RuncStoppedState.TryRelease(StateDirectoryOf(id)));
        Assert.All(cgroups, path => Assert.False(Directory.Exists(path), $"{path} is left behind"));
        Assert.False(Directory.Exists(StateDirectoryOf(id)));
        Assert.Null(await _runtime.StateAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task ARunningContainerIsLeftToRuncsForcedDelete()
    {
        SkipUnlessRuncCanRun();
        var id = Run(hostPidNamespace: false);
        var init = InitPidOf(id);

        Assert.False(RuncStoppedState.TryRelease(StateDirectoryOf(id)));
        Assert.Equal("running", await _runtime.StateAsync(id, CancellationToken.None));

        await _runtime.DeleteAsync(id, CancellationToken.None);
        Assert.Null(await _runtime.StateAsync(id, CancellationToken.None));
        Assert.True(WaitUntil(() => !IsRunning(init)), "runc delete --force killed the init");
    }

    [Fact]
    public async Task APoststopHookIsRunByRuncsDelete()
    {
        SkipUnlessRuncCanRun();
        var marker = Path.Combine(_root, "poststop-ran");
        var id = Run(hostPidNamespace: false, poststopTouches: marker);
        KillInit(id);

        Assert.False(RuncStoppedState.TryRelease(StateDirectoryOf(id)));
        await _runtime.DeleteAsync(id, CancellationToken.None);

        Assert.True(File.Exists(marker), "runc delete ran the poststop hook");
        Assert.Null(await _runtime.StateAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task AContainerInTheHostsPidNamespaceIsLeftToRunc()
    {
        SkipUnlessRuncCanRun();
        var id = Run(hostPidNamespace: true);
        KillInit(id);

        // Without a PID namespace of its own, processes it started may outlive its init: runc kills them.
        Assert.False(RuncStoppedState.TryRelease(StateDirectoryOf(id)));
        await _runtime.DeleteAsync(id, CancellationToken.None);
        Assert.Null(await _runtime.StateAsync(id, CancellationToken.None));
    }

    [Fact]
    public void NoStateIsAlreadyReleasedAndAStateWithoutStateJsonIsNot()
    {
        Assert.True(RuncStoppedState.TryRelease(Path.Combine(_root, "never-created")));

        var aborted = Directory.CreateDirectory(Path.Combine(_root, "aborted-create")).FullName;
        Assert.False(RuncStoppedState.TryRelease(aborted));
        Assert.True(Directory.Exists(aborted), "runc's delete, not ours, decides about an aborted create");
    }

    [Theory]
    [InlineData("{\"id\": \"other\"}")]
    [InlineData("{\"config\": {\"cgroups\": {}}, \"cgroup_paths\": {\"memory\": \"/etc\"}, \"init_process_pid\": 0, \"init_process_start\": 0}")]
    [InlineData("not json")]
    public void AStateRuncDidNotWriteIsLeftAlone(string content)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, "foreign")).FullName;
        File.WriteAllText(Path.Combine(directory, "state.json"), content);

        Assert.False(RuncStoppedState.TryRelease(directory));
        Assert.Equal(content, File.ReadAllText(Path.Combine(directory, "state.json")));
    }

    private string StateDirectoryOf(string id) => Path.Combine(_runtime.StateRoot, id);

    private JsonNode StateOf(string id) => JsonNode.Parse(File.ReadAllText(Path.Combine(StateDirectoryOf(id), "state.json")))!;

    private List<string> CgroupPathsOf(string id) =>
        StateOf(id)["cgroup_paths"]!.AsObject().Select(p => p.Value!.GetValue<string>()).ToList();

    private int InitPidOf(string id) => StateOf(id)["init_process_pid"]!.GetValue<int>();

    private void KillInit(string id)
    {
        var init = InitPidOf(id);
        ProcessSyscalls.Signal(init, Signals.Kill);
        Assert.True(WaitUntil(() => !IsRunning(init)), $"init {init} did not die");
    }

    // A zombie is as dead as runc counts it.
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 250; attempt++)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(20);
        }
        return condition();
    }

    private string Run(bool hostPidNamespace, string? poststopTouches = null)
    {
        var id = "modular-test-" + Guid.NewGuid().ToString("N")[..12];
        var bundle = Directory.CreateDirectory(Path.Combine(_root, "bundles", id)).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(bundle, "rootfs", "bin")).FullName;
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        File.WriteAllText(Path.Combine(bundle, "config.json"), Spec(id, hostPidNamespace, poststopTouches).ToJsonString());
        _ids.Add(id);
        var (exitCode, stderr) = Runc("run", "--detach", "--bundle", bundle, id);
        Assert.True(exitCode == 0, $"runc run failed: {stderr}");
        return id;
    }

    private static JsonObject Spec(string id, bool hostPidNamespace, string? poststopTouches)
    {
        var namespaces = new JsonArray(
            new[] { "ipc", "uts", "mount", "network" }.Concat(hostPidNamespace ? [] : ["pid"])
                .Select(type => (JsonNode)new JsonObject { ["type"] = type }).ToArray());
        var spec = new JsonObject
        {
            ["ociVersion"] = "1.0.2",
            ["process"] = new JsonObject
            {
                ["terminal"] = false,
                ["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0 },
                ["args"] = new JsonArray("/bin/busybox", "sleep", "600"),
                ["env"] = new JsonArray("PATH=/bin"),
                ["cwd"] = "/",
            },
            ["root"] = new JsonObject { ["path"] = "rootfs" },
            ["hostname"] = "runc-state-test",
            ["mounts"] = new JsonArray(new JsonObject { ["destination"] = "/proc", ["type"] = "proc", ["source"] = "proc" }),
            ["linux"] = new JsonObject
            {
                ["cgroupsPath"] = $"/modular/{id}",
                ["namespaces"] = namespaces,
            },
        };
        if (poststopTouches is not null)
        {
            spec["hooks"] = new JsonObject
            {
                ["poststop"] = new JsonArray(new JsonObject
                {
                    ["path"] = "/bin/busybox",
                    ["args"] = new JsonArray("busybox", "touch", poststopTouches),
                }),
            };
        }
        return spec;
    }

    private (int ExitCode, string Stderr) Runc(params string[] args)
    {
        var start = new ProcessStartInfo("runc")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--root");
        start.ArgumentList.Add(_runtime.StateRoot);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var runc = Process.Start(start)!;
        runc.StandardInput.Close();
        runc.WaitForExit();
        // A detached container keeps runc's stdout and stderr open: read them only when no container came of it.
        var stderr = runc.ExitCode == 0 ? "" : runc.StandardError.ReadToEnd();
        return (runc.ExitCode, stderr);
    }

    private static void SkipUnlessRuncCanRun()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root: runc creates cgroups and namespaces");
        }
        if (!File.Exists("/bin/busybox") || !File.Exists("/usr/sbin/runc") && !File.Exists("/usr/bin/runc"))
        {
            Assert.Skip("needs runc and a static /bin/busybox");
        }
    }
}
