namespace Modular.Kernel.Networks;

/// <summary>A network as the kernel persists it.</summary>
public sealed record NetworkRecord(
    string Id,
    string Name,
    string Driver,
    string Scope,
    DateTimeOffset Created,
    IReadOnlyDictionary<string, string> Options,
    IReadOnlyDictionary<string, string> Labels);
