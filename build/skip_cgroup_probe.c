// Linked into the AOT `modular` CLI and `modular-shim` with -Wl,--wrap=fopen64 (see SkipCgroupProbe.targets next to
// this file); only the objects linked into the binary (the runtime's own) call through it, libc's internal opens do not.
//
// At start the .NET runtime looks for the process's cgroup twice (GC memory limit, CPU quota), each time reading all
// of /proc/self/mountinfo for the cgroup mounts. The kernel renders that file afresh on every read, and a container
// host lists each running container's rootfs and shm mounts there: with 100 containers on each of two engines, the
// two reads of 100 KB took ~3.5 of the 5.8 ms of CPU of `modular --version`, and about half of each shim's start-up
// CPU. Neither binary has a use for the limits: the CLI lives for milliseconds and allocates a few MB; a shim
// allocates little, uses no thread pool, and runs in the daemon's cgroup, not its container's, so the limits it would
// find are the daemon's. For that file the open fails, which the runtime takes as "no cgroup limits" (as on a host
// without /proc). No other native code in either binary opens mountinfo; every other open goes to libc unchanged.
#include <errno.h>
#include <stdio.h>
#include <string.h>

FILE *__real_fopen64(const char *path, const char *mode);

FILE *__wrap_fopen64(const char *path, const char *mode)
{
    if (path != NULL && strcmp(path, "/proc/self/mountinfo") == 0)
    {
        errno = ENOENT;
        return NULL;
    }
    return __real_fopen64(path, mode);
}
