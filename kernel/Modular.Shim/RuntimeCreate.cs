using Modular.Shim.Protocol;
using System.Runtime.InteropServices;
using System.Text;

namespace Modular.Shim;

/// <summary>
/// Runs `&lt;runtime&gt; create` with the container's stdio, or `run --detach` (create and start in one process) when the
/// daemon has nothing to do between the two. posix_spawn rather than Process, so the child gets exactly
/// the three descriptors we choose and every signal at its default (the .NET runtime ignores SIGPIPE, which must not
/// leak into the container).
/// </summary>
internal static unsafe class RuntimeCreate
{
    public static string PidFile(ShimArguments arguments) => Path.Combine(arguments.Bundle, "init.pid");

    public static string LogFile(ShimArguments arguments) => Path.Combine(arguments.Bundle, "runtime.log");

    /// <summary>Runs create (or run --detach) to its end; returns the runtime's exit code.</summary>
    public static int Run(ShimArguments arguments, string? consoleSocket, ContainerStdio stdio)
    {
        File.Delete(PidFile(arguments));
        List<string> argv =
        [
            arguments.Runtime, .. arguments.RuntimeArguments,
            "--root", arguments.RuntimeRoot,
            "--log", LogFile(arguments), "--log-format", "json",
            .. (arguments.Start ? (string[])["run", "--detach"] : ["create"]),
            "--bundle", arguments.Bundle, "--pid-file", PidFile(arguments),
        ];
        if (consoleSocket is not null)
        {
            argv.AddRange(["--console-socket", consoleSocket]);
        }
        argv.Add(arguments.ContainerId);
        var pid = Spawn(argv, stdio.ChildStdin, stdio.ChildStdout, stdio.ChildStderr);
        int status;
        while (ShimNative.waitpid(pid, &status, 0) < 0)
        {
            if (Native.Errno != Native.EINTR)
            {
                throw new IOException($"waiting for {arguments.Runtime} create failed: errno {Native.Errno}");
            }
        }
        return ShimNative.DecodeStatus(status);
    }

    private static int Spawn(IReadOnlyList<string> argv, int stdin, int stdout, int stderr)
    {
        // glibc's posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128: room to spare.
        var actions = stackalloc byte[512];
        var attributes = stackalloc byte[1024];
        var signals = stackalloc byte[256];
        ShimNative.posix_spawn_file_actions_init(actions);
        ShimNative.posix_spawn_file_actions_adddup2(actions, stdin, 0);
        ShimNative.posix_spawn_file_actions_adddup2(actions, stdout, 1);
        ShimNative.posix_spawn_file_actions_adddup2(actions, stderr, 2);
        ShimNative.posix_spawnattr_init(attributes);
        ShimNative.posix_spawnattr_setflags(attributes, ShimNative.POSIX_SPAWN_SETSIGDEF | ShimNative.POSIX_SPAWN_SETSIGMASK);
        ShimNative.sigfillset(signals);
        ShimNative.posix_spawnattr_setsigdefault(attributes, signals);
        ShimNative.sigemptyset(signals);
        ShimNative.posix_spawnattr_setsigmask(attributes, signals);

        var environment = Environment.GetEnvironmentVariables();
        var envp = new List<string>(environment.Count);
        foreach (System.Collections.DictionaryEntry entry in environment)
        {
            envp.Add($"{entry.Key}={entry.Value}");
        }
        var argvBlock = NullTerminated(argv);
        var envpBlock = NullTerminated(envp);
        try
        {
            int pid;
            var error = ShimNative.posix_spawnp(&pid, argv[0], actions, attributes, (byte**)argvBlock, (byte**)envpBlock);
            if (error != 0)
            {
                throw new IOException($"starting {argv[0]} failed: errno {error}");
            }
            return pid;
        }
        finally
        {
            Free(argvBlock, argv.Count);
            Free(envpBlock, envp.Count);
            ShimNative.posix_spawn_file_actions_destroy(actions);
            ShimNative.posix_spawnattr_destroy(attributes);
        }
    }

    private static nint NullTerminated(IReadOnlyList<string> strings)
    {
        var block = (nint*)NativeMemory.Alloc((nuint)(strings.Count + 1), (nuint)sizeof(nint));
        for (var i = 0; i < strings.Count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(strings[i]);
            var copy = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            bytes.CopyTo(new Span<byte>(copy, bytes.Length));
            copy[bytes.Length] = 0;
            block[i] = (nint)copy;
        }
        block[strings.Count] = 0;
        return (nint)block;
    }

    private static void Free(nint block, int count)
    {
        var entries = (nint*)block;
        for (var i = 0; i < count; i++)
        {
            NativeMemory.Free((void*)entries[i]);
        }
        NativeMemory.Free(entries);
    }
}
