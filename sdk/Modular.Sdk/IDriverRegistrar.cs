using Modular.Sdk.Logging;
using Modular.Sdk.Network;
using Modular.Sdk.Storage;

namespace Modular.Sdk;

/// <summary>
/// Collects the drivers a plugin provides. Each factory is called at most once, lazily, when the daemon first
/// selects that driver, with a <see cref="DriverContext"/> of its own. A factory that throws
/// <see cref="DriverException"/> with <see cref="DriverErrorKind.NotSupported"/> marks the driver unusable on
/// this host; the message is shown to the user.
/// </summary>
public interface IDriverRegistrar
{
    /// <summary>Declares a storage (graph) driver, selected by <c>storage-driver</c>.</summary>
    void AddStorageDriver(string name, Func<DriverContext, IStorageDriver> factory);

    /// <summary>Declares a network driver, selected by <c>docker network create -d NAME</c>.</summary>
    void AddNetworkDriver(string name, Func<DriverContext, INetworkDriver> factory);

    /// <summary>Declares a logging driver, selected by <c>log-driver</c> or <c>--log-driver</c>.</summary>
    void AddLoggingDriver(string name, Func<DriverContext, ILoggingDriver> factory);
}
