using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Modular.Sdk;
using Modular.Sdk.Logging;
using Modular.Sdk.Network;
using Modular.Sdk.Storage;

namespace Modular.Kernel.Plugins;

/// <summary>
/// Every driver the loaded plugins declared, by kind and name. Drivers are created lazily, once, each with its own
/// root folder under data-root and run folder under exec-root.
/// </summary>
public sealed class DriverCatalog : IDriverRegistrar
{
    private readonly Dictionary<(DriverKind Kind, string Name), Registration> _registrations = new();
    // Registrations change at start and when a plugin is installed or enabled while requests read them.
    private readonly object _registering = new();
    private readonly ConcurrentDictionary<(DriverKind Kind, string Name), Lazy<object>> _instances = new();
    private readonly List<string> _warnings = new();
    private readonly string _dataRoot;
    private readonly string _execRoot;
    private readonly ILoggerFactory _loggers;
    private string _currentPlugin = "(kernel)";

    public DriverCatalog(string dataRoot, string execRoot, ILoggerFactory loggers)
    {
        _dataRoot = dataRoot;
        _execRoot = execRoot;
        _loggers = loggers;
    }

    /// <summary>Problems met while loading plugins, for the log and for <c>docker info</c>'s Warnings.</summary>
    public IReadOnlyList<string> Warnings { get { lock (_warnings) { return _warnings.ToList(); } } }

    /// <summary>Options handed to a driver at creation, by driver name (e.g. parsed <c>storage-opts</c>).</summary>
    public Dictionary<string, IReadOnlyDictionary<string, string>> DriverOptions { get; } = new();

    public void AddWarning(string warning)
    {
        lock (_warnings) { _warnings.Add(warning); }
    }

    /// <summary>Registers everything <paramref name="module"/> declares, attributing duplicates to <paramref name="pluginName"/>.</summary>
    /// <remarks>All or nothing: a module refused part-way (say, for a name clash) leaves none of its drivers registered.</remarks>
    public void RegisterModule(string pluginName, IDriverModule module)
    {
        lock (_registering)
        {
            RegisterModuleLocked(pluginName, module);
        }
    }

    private void RegisterModuleLocked(string pluginName, IDriverModule module)
    {
        _currentPlugin = pluginName;
        var before = _registrations.Keys.ToHashSet();
        try
        {
            module.Register(this);
        }
        catch
        {
            foreach (var added in _registrations.Keys.Where(k => !before.Contains(k)).ToList())
            {
                _registrations.Remove(added);
            }
            throw;
        }
        finally
        {
            _currentPlugin = "(kernel)";
        }
    }

    public void AddStorageDriver(string name, Func<DriverContext, IStorageDriver> factory) => Add(DriverKind.Storage, name, factory);

    public void AddNetworkDriver(string name, Func<DriverContext, INetworkDriver> factory) => Add(DriverKind.Network, name, factory);

    public void AddLoggingDriver(string name, Func<DriverContext, ILoggingDriver> factory) => Add(DriverKind.Logging, name, factory);

    public IReadOnlyList<string> Names(DriverKind kind)
    {
        lock (_registering)
        {
            return _registrations.Keys.Where(k => k.Kind == kind).Select(k => k.Name).Order(StringComparer.Ordinal).ToList();
        }
    }

    public bool Has(DriverKind kind, string name)
    {
        lock (_registering)
        {
            return _registrations.ContainsKey((kind, name));
        }
    }

    public string PluginOf(DriverKind kind, string name)
    {
        lock (_registering)
        {
            return _registrations.TryGetValue((kind, name), out var r) ? r.Plugin : "";
        }
    }

    /// <summary>The drivers <paramref name="plugin"/> registered, as "kind/name" (e.g. <c>logging/sqlite</c>).</summary>
    public IReadOnlyList<string> DriversOf(string plugin)
    {
        lock (_registering)
        {
            return _registrations.Where(r => r.Value.Plugin == plugin)
                .Select(r => $"{r.Key.Kind.ToString().ToLowerInvariant()}/{r.Key.Name}")
                .Order(StringComparer.Ordinal)
                .ToList();
        }
    }

    public IStorageDriver Storage(string name) => (IStorageDriver)Get(DriverKind.Storage, name);

    public INetworkDriver Network(string name) => (INetworkDriver)Get(DriverKind.Network, name);

    public ILoggingDriver Logging(string name) => (ILoggingDriver)Get(DriverKind.Logging, name);

    /// <summary>Drivers created so far, for shutdown.</summary>
    public IEnumerable<object> Created => _instances.Values.Where(l => l.IsValueCreated).Select(l => l.Value);

    private void Add(DriverKind kind, string name, Func<DriverContext, object> factory)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new DriverException(DriverErrorKind.InvalidArgument, $"{_currentPlugin} registered a {kind} driver without a name");
        }
        if (_registrations.TryGetValue((kind, name), out var existing))
        {
            throw new DriverException(DriverErrorKind.Conflict,
                $"{_currentPlugin} registers {kind.ToString().ToLowerInvariant()} driver \"{name}\", already provided by {existing.Plugin}");
        }
        _registrations[(kind, name)] = new Registration(_currentPlugin, factory);
    }

    private object Get(DriverKind kind, string name)
    {
        Registration? registration;
        lock (_registering)
        {
            _registrations.TryGetValue((kind, name), out registration);
        }
        if (registration is null)
        {
            throw DriverException.NotFound($"no {kind.ToString().ToLowerInvariant()} driver named \"{name}\" is installed");
        }
        var lazy = _instances.GetOrAdd((kind, name), _ => new Lazy<object>(() => Create(kind, name, registration)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // A driver that failed to start is retried on the next request rather than cached broken.
            _instances.TryRemove((kind, name), out _);
            throw;
        }
    }

    private object Create(DriverKind kind, string name, Registration registration)
    {
        var folder = kind.ToString().ToLowerInvariant();
        var root = Path.Combine(_dataRoot, folder, name);
        var runRoot = Path.Combine(_execRoot, folder, name);
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(runRoot);
        var options = DriverOptions.TryGetValue(name, out var o) ? o : new Dictionary<string, string>();
        var log = new DriverLog(_loggers.CreateLogger($"driver.{name}"));
        try
        {
            return registration.Factory(new DriverContext(root, runRoot, options, log));
        }
        catch (DriverException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new DriverException(DriverErrorKind.Internal, $"{kind.ToString().ToLowerInvariant()} driver \"{name}\" failed to start: {e.Message}", e);
        }
    }

    private sealed record Registration(string Plugin, Func<DriverContext, object> Factory);
}
