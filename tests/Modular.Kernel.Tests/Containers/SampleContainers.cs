using Modular.Api.Models;
using Modular.Kernel.Containers;

namespace Modular.Kernel.Tests.Containers;

/// <summary>Containers as the store persists them, with only the fields a test cares about set.</summary>
internal static class SampleContainers
{
    public static Container New(
        string id,
        string name,
        ContainerStatus status = ContainerStatus.Created,
        int exitCode = 0,
        Dictionary<string, string>? labels = null,
        DateTimeOffset? created = null,
        string networkMode = "bridge",
        string imageId = "sha256:0000") => new()
        {
            Id = id,
            Name = name,
            Created = created ?? DateTimeOffset.UnixEpoch,
            ImageId = imageId,
            Config = new ContainerConfig { Image = "busybox", Cmd = ["sh"], Labels = labels ?? [] },
            HostConfig = new HostConfig { NetworkMode = networkMode },
            Path = "sh",
            Args = [],
            StorageDriver = "vfs",
            LogDriver = "json-file",
            LogOptions = [],
            Runtime = "runc",
            State = new ContainerRuntimeState { Status = status, ExitCode = exitCode },
        };

    /// <summary>A 64-hex id that starts with <paramref name="prefix"/>.</summary>
    public static string IdStartingWith(string prefix) => (prefix + ContainerNames.NewId())[..64];
}
