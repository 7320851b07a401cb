namespace Modular.Kernel.Build;

/// <summary>
/// The build's <c>--build-arg</c> values and which of them the Dockerfile declared: ARGs before the first FROM (usable
/// in FROM and as defaults for a stage's bare <c>ARG name</c>), ARGs in a stage, and Docker's predefined proxy
/// arguments, which reach RUN without being declared but stay out of the history.
/// </summary>
public sealed class BuildArgs(IReadOnlyDictionary<string, string?> given)
{
    private static readonly HashSet<string> Predefined = new(StringComparer.Ordinal)
    {
        "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
        "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
    };

    private readonly Dictionary<string, string?> _meta = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>An ARG before the first FROM; <paramref name="defaultValue"/> is already expanded against earlier meta ARGs.</summary>
    public void DeclareMeta(string name, string? defaultValue)
    {
        _used.Add(name);
        _meta[name] = given.TryGetValue(name, out var value) && value is not null ? value : defaultValue;
    }

    public string? MetaValue(string name) => _meta.GetValueOrDefault(name);

    /// <summary>The value an ARG declared in a stage takes: the build arg, else its default, else the meta ARG's value.</summary>
    public string? StageValue(string name, string? defaultValue)
    {
        _used.Add(name);
        if (given.TryGetValue(name, out var value) && value is not null)
        {
            return value;
        }
        return defaultValue ?? _meta.GetValueOrDefault(name);
    }

    /// <summary>Predefined proxy arguments given on the command line that <paramref name="declared"/> does not hold.</summary>
    public IEnumerable<KeyValuePair<string, string>> UndeclaredPredefined(IReadOnlyDictionary<string, string?> declared) =>
        given.Where(pair => Predefined.Contains(pair.Key) && pair.Value is not null && !declared.ContainsKey(pair.Key))
            .Select(pair => new KeyValuePair<string, string>(pair.Key, pair.Value!));

    /// <summary>Build args nobody declared (Docker's end-of-build warning), sorted.</summary>
    public IReadOnlyList<string> Unused() =>
        given.Keys.Where(name => !_used.Contains(name) && !Predefined.Contains(name)).Order(StringComparer.Ordinal).ToList();
}
