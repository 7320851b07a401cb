namespace Modular.Kernel.Security;

/// <summary>A syscall argument comparison, as in Docker's profile format and the OCI spec.</summary>
public sealed record SeccompArgument(uint Index, ulong Value, ulong ValueTwo, string Op);

/// <summary>
/// One rule of a seccomp profile in Docker's format: the rule applies only when the container holds one of
/// <see cref="IncludesCaps"/> (if any), none of <see cref="ExcludesCaps"/>, and the host architecture passes the arch filters.
/// </summary>
public sealed record SeccompRule(
    IReadOnlyList<string> Names,
    string Action,
    IReadOnlyList<SeccompArgument> Args,
    IReadOnlyList<string> IncludesCaps,
    IReadOnlyList<string> ExcludesCaps,
    IReadOnlyList<string> IncludesArches,
    IReadOnlyList<string> ExcludesArches,
    uint? ErrnoRet = null);

/// <summary>A seccomp profile in Docker's file format (what `--security-opt seccomp=FILE` carries).</summary>
public sealed record SeccompProfile(
    string DefaultAction,
    uint? DefaultErrnoRet,
    IReadOnlyList<string> Architectures,
    IReadOnlyList<SeccompRule> Syscalls);
