using Acme.Logging.Sqlite;
using Modular.Sdk;

[assembly: DriverModule(typeof(SqliteLoggingModule))]
// Modular runs on Linux only, and its SDK says so; a driver says the same.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Acme.Logging.Sqlite;

/// <summary>The plugin's entry point: declares the <c>sqlite</c> logging driver.</summary>
public sealed class SqliteLoggingModule : IDriverModule
{
    /// <inheritdoc />
    public void Register(IDriverRegistrar registrar) =>
        registrar.AddLoggingDriver(SqliteLoggingDriver.DriverName, context => new SqliteLoggingDriver(context.Log));
}
