namespace Modular.Sdk;

/// <summary>
/// What the kernel gives a driver when it creates it: the only channel from the kernel to a driver.
/// </summary>
/// <param name="Root">A folder that belongs to this driver alone, under the daemon's data-root. It exists.</param>
/// <param name="RunRoot">A folder for state that must not survive a reboot, under the daemon's exec-root. It exists.</param>
/// <param name="Options">Driver options from daemon.json or flags (e.g. <c>overlay2.size</c>), already split into key and value.</param>
/// <param name="Log">Where the driver writes its diagnostics.</param>
public sealed record DriverContext(
    string Root,
    string RunRoot,
    IReadOnlyDictionary<string, string> Options,
    IDriverLog Log);
