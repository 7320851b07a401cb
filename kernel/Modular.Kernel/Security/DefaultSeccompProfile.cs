namespace Modular.Kernel.Security;

/// <summary>
/// Modular's own default seccomp profile: an allow-list (everything else fails with EPERM) of what an ordinary Linux
/// userland uses, plus groups that open only when the container holds the capability that guards the same power.
/// docs/architecture.md ("Default seccomp profile") explains how the list was chosen.
/// </summary>
public static class DefaultSeccompProfile
{
    private const uint EPERM = 1;
    private const uint ENOSYS = 38;

    // CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
    public const ulong NamespaceCloneFlags = 0x7E020000;

    private static readonly string[] Files =
    [
        "access", "faccessat", "faccessat2", "chdir", "fchdir", "getcwd", "chmod", "fchmod", "fchmodat", "fchmodat2",
        "chown", "fchown", "fchownat", "lchown", "chown32", "fchown32", "lchown32", "umask",
        "open", "openat", "openat2", "creat", "close", "close_range", "dup", "dup2", "dup3", "fcntl", "fcntl64", "flock",
        "read", "readv", "pread64", "preadv", "preadv2", "write", "writev", "pwrite64", "pwritev", "pwritev2",
        "lseek", "_llseek", "sendfile", "sendfile64", "splice", "tee", "vmsplice", "copy_file_range", "readahead",
        "stat", "lstat", "fstat", "newfstatat", "statx", "stat64", "lstat64", "fstat64", "fstatat64",
        "statfs", "fstatfs", "statfs64", "fstatfs64", "getdents", "getdents64", "readdir",
        "mkdir", "mkdirat", "rmdir", "mknod", "mknodat", "link", "linkat", "symlink", "symlinkat", "unlink", "unlinkat",
        "rename", "renameat", "renameat2", "readlink", "readlinkat", "truncate", "ftruncate", "truncate64", "ftruncate64",
        "fallocate", "fadvise64", "fadvise64_64", "fsync", "fdatasync", "sync", "syncfs", "sync_file_range",
        "utime", "utimes", "utimensat", "futimesat", "utimensat_time64",
        "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr",
        "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
        "ioctl", "inotify_init", "inotify_init1", "inotify_add_watch", "inotify_rm_watch", "fanotify_mark", "memfd_create",
        "pipe", "pipe2",
    ];

    private static readonly string[] Polling =
    [
        "select", "_newselect", "pselect6", "pselect6_time64", "poll", "ppoll", "ppoll_time64",
        "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait", "epoll_wait_old", "epoll_pwait", "epoll_pwait2",
        "eventfd", "eventfd2", "signalfd", "signalfd4", "timerfd_create", "timerfd_settime", "timerfd_gettime",
        "timerfd_settime64", "timerfd_gettime64",
        "io_setup", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "io_submit", "io_cancel",
    ];

    private static readonly string[] Memory =
    [
        "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync", "remap_file_pages",
        "mlock", "mlock2", "mlockall", "munlock", "munlockall", "membarrier", "pkey_alloc", "pkey_free", "pkey_mprotect",
    ];

    private static readonly string[] Processes =
    [
        "execve", "execveat", "fork", "vfork", "exit", "exit_group", "wait4", "waitid", "waitpid",
        "getpid", "getppid", "gettid", "getpgid", "getpgrp", "getsid", "setpgid", "setsid",
        "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "getgroups",
        "getuid32", "geteuid32", "getgid32", "getegid32", "getresuid32", "getresgid32", "getgroups32",
        "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups", "setfsuid", "setfsgid",
        "setuid32", "setgid32", "setreuid32", "setregid32", "setresuid32", "setresgid32", "setgroups32", "setfsuid32", "setfsgid32",
        "capget", "capset", "prctl", "arch_prctl", "set_thread_area", "get_thread_area", "set_tid_address",
        "set_robust_list", "get_robust_list", "futex", "futex_time64", "futex_waitv", "rseq",
        "getpriority", "setpriority", "getrlimit", "ugetrlimit", "setrlimit", "prlimit64", "getrusage", "times",
        "sched_getaffinity", "sched_setaffinity", "sched_getattr", "sched_setattr", "sched_getparam", "sched_setparam",
        "sched_getscheduler", "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min",
        "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_yield", "ioprio_get", "ioprio_set",
        "uname", "sysinfo", "getrandom", "getcpu", "pidfd_open", "pidfd_send_signal", "landlock_create_ruleset",
        "landlock_add_rule", "landlock_restrict_self", "seccomp",
    ];

    private static readonly string[] Signals =
    [
        "kill", "tkill", "tgkill", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
        "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sigaltstack", "sigreturn",
        "signal", "sigaction", "sigprocmask", "sigpending", "sigsuspend", "pause", "alarm", "restart_syscall",
    ];

    private static readonly string[] Time =
    [
        "clock_gettime", "clock_getres", "clock_nanosleep", "clock_gettime64", "clock_getres_time64",
        "clock_nanosleep_time64", "gettimeofday", "time", "nanosleep", "getitimer", "setitimer",
        "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime", "timer_settime",
        "timer_gettime64", "timer_settime64",
    ];

    private static readonly string[] Network =
    [
        "socket", "socketpair", "socketcall", "bind", "listen", "accept", "accept4", "connect", "shutdown",
        "getsockname", "getpeername", "getsockopt", "setsockopt", "send", "recv", "sendto", "recvfrom",
        "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "recvmmsg_time64",
    ];

    private static readonly string[] Ipc =
    [
        "ipc", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semtimedop_time64", "semctl",
        "shmget", "shmat", "shmdt", "shmctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive",
        "mq_timedsend_time64", "mq_timedreceive_time64", "mq_notify", "mq_getsetattr",
    ];

    /// <summary>Syscalls whose power is the capability's: they open when the container holds it.</summary>
    private static readonly (string Capability, string[] Syscalls)[] CapabilityGated =
    [
        ("CAP_SYS_ADMIN",
        [
            "mount", "umount", "umount2", "mount_setattr", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
            "pivot_root", "unshare", "setns", "clone3", "sethostname", "setdomainname", "quotactl", "quotactl_fd",
            "fanotify_init", "name_to_handle_at", "lookup_dcookie", "bpf", "perf_event_open", "syslog",
        ]),
        ("CAP_BPF", ["bpf"]),
        ("CAP_PERFMON", ["perf_event_open"]),
        ("CAP_SYSLOG", ["syslog"]),
        ("CAP_SYS_CHROOT", ["chroot"]),
        ("CAP_SYS_BOOT", ["reboot"]),
        ("CAP_SYS_MODULE", ["init_module", "finit_module", "delete_module"]),
        ("CAP_SYS_PACCT", ["acct"]),
        ("CAP_SYS_PTRACE", ["ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp", "pidfd_getfd", "userfaultfd"]),
        ("CAP_SYS_RAWIO", ["iopl", "ioperm"]),
        ("CAP_SYS_TIME", ["settimeofday", "stime", "clock_settime", "clock_settime64", "clock_adjtime", "clock_adjtime64", "adjtimex"]),
        ("CAP_SYS_TTY_CONFIG", ["vhangup"]),
        ("CAP_SYS_NICE", ["get_mempolicy", "set_mempolicy", "set_mempolicy_home_node", "mbind", "move_pages", "migrate_pages"]),
        ("CAP_DAC_READ_SEARCH", ["open_by_handle_at"]),
    ];

    // personality(2) values userlands use: Linux, query, PER_LINUX32, UNAME26 and both; not the ones that weaken ASLR.
    private static readonly ulong[] PersonalityValues = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

    public static SeccompProfile Profile { get; } = Build();

    private static SeccompProfile Build()
    {
        var rules = new List<SeccompRule>
        {
            Allow([.. Files, .. Polling, .. Memory, .. Processes, .. Signals, .. Time, .. Network, .. Ipc]),
        };
        rules.AddRange(PersonalityValues.Select(value => Allow(["personality"]) with
        {
            Args = [new SeccompArgument(0, value, 0, "SCMP_CMP_EQ")],
        }));

        // clone(2) without namespace flags for everyone; with them only under CAP_SYS_ADMIN (see the gated list).
        rules.Add(Allow(["clone"]) with
        {
            Args = [new SeccompArgument(0, NamespaceCloneFlags, 0, "SCMP_CMP_MASKED_EQ")],
            ExcludesCaps = ["CAP_SYS_ADMIN"],
            ExcludesArches = ["s390", "s390x"],
        });
        rules.Add(Allow(["clone"]) with { IncludesCaps = ["CAP_SYS_ADMIN"] });
        // clone3 takes its flags in memory seccomp cannot read: ENOSYS makes libc fall back to the filtered clone.
        rules.Add(new SeccompRule(["clone3"], "SCMP_ACT_ERRNO", [], [], ["CAP_SYS_ADMIN"], [], [], ENOSYS));

        foreach (var (capability, syscalls) in CapabilityGated)
        {
            rules.Add(Allow(syscalls) with { IncludesCaps = [capability] });
        }
        return new SeccompProfile("SCMP_ACT_ERRNO", EPERM, HostArchitectures(), rules);
    }

    /// <summary>Every syscall name the profile can allow, for the documentation test.</summary>
    public static IEnumerable<string> AlwaysAllowed => Profile.Syscalls[0].Names;

    private static IReadOnlyList<string> HostArchitectures() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
        _ => ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    };

    private static SeccompRule Allow(IReadOnlyList<string> names) =>
        new(names, "SCMP_ACT_ALLOW", [], [], [], [], []);
}
