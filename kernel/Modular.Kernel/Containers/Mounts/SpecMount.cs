namespace Modular.Kernel.Containers.Mounts;

/// <summary>One entry of the OCI spec's "mounts", already in the runtime's terms.</summary>
public sealed record SpecMount(string Destination, string Type, string Source, IReadOnlyList<string> Options);
