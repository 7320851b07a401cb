using Modular.Sdk.Conformance.Logging;
using Modular.Sdk.Conformance.Network;
using Modular.Sdk.Conformance.Storage;
using Modular.Sdk.Logging;
using Modular.Sdk.Network;
using Modular.Sdk.Storage;

namespace Modular.Verify;

/// <summary>The logging kit against the driver under verification.</summary>
public sealed class LoggingConformance : LoggingDriverConformance, IDisposable
{
    private readonly string _roots = Directory.CreateTempSubdirectory("modular-verify-logging-").FullName;

    protected override ILoggingDriver CreateDriver() =>
        VerifyTarget.Catalog(Path.Combine(_roots, "data"), Path.Combine(_roots, "exec")).Logging(VerifyTarget.DriverName);

    void IDisposable.Dispose()
    {
        Dispose();
        Directory.Delete(_roots, recursive: true);
    }
}

/// <summary>The storage kit against the driver under verification.</summary>
public sealed class StorageConformance : StorageDriverConformance
{
    protected override IStorageDriver CreateDriver(string dataRoot, string execRoot) =>
        VerifyTarget.Catalog(dataRoot, execRoot).Storage(VerifyTarget.DriverName);
}

/// <summary>The kit for network drivers that plumb nothing, against the driver under verification.</summary>
public sealed class SandboxlessNetworkConformance : SandboxlessNetworkDriverConformance, IDisposable
{
    private readonly string _roots = Directory.CreateTempSubdirectory("modular-verify-network-").FullName;

    protected override INetworkDriver CreateDriver() =>
        VerifyTarget.Catalog(Path.Combine(_roots, "data"), Path.Combine(_roots, "exec")).Network(VerifyTarget.DriverName);

    protected override string ExpectedName => VerifyTarget.DriverName;

    protected override SandboxKind ExpectedSandbox => CreateDriver().Capabilities.Sandbox;

    public void Dispose() => Directory.Delete(_roots, recursive: true);
}
