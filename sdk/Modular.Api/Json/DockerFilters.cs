using System.Text;
using System.Text.Json;

namespace Modular.Api.Json;

/// <summary>
/// The <c>filters</c> query parameter: a map of key → set of values. Reads both <c>{"k":{"v":true}}</c> and the
/// legacy <c>{"k":["v"]}</c>; always writes the first form, as the Docker client does.
/// </summary>
public sealed class DockerFilters
{
    private readonly SortedDictionary<string, SortedSet<string>> _values = new(StringComparer.Ordinal);

    public IEnumerable<string> Keys => _values.Keys;
    public bool IsEmpty => _values.Count == 0;

    public DockerFilters Add(string key, string value)
    {
        if (!_values.TryGetValue(key, out var set))
            _values[key] = set = new SortedSet<string>(StringComparer.Ordinal);
        set.Add(value);
        return this;
    }

    /// <summary>Adds a CLI <c>--filter key=value</c> argument.</summary>
    public DockerFilters AddArgument(string argument)
    {
        var eq = argument.IndexOf('=');
        if (eq <= 0)
            throw new FormatException($"bad format of filter (expected name=value)");
        return Add(argument[..eq].Trim().ToLowerInvariant(), argument[(eq + 1)..].Trim());
    }

    public bool Contains(string key) => _values.ContainsKey(key);

    public IReadOnlyCollection<string> Get(string key) =>
        _values.TryGetValue(key, out var set) ? set : Array.Empty<string>();

    /// <summary>True when the key is absent or <paramref name="candidate"/> equals one of its values.</summary>
    public bool ExactMatch(string key, string candidate) =>
        !_values.TryGetValue(key, out var set) || set.Contains(candidate);

    /// <summary>Throws <see cref="FormatException"/> naming the first key not in <paramref name="allowed"/>,
    /// with Docker's wording ("invalid filter 'x'").</summary>
    public void Validate(IReadOnlySet<string> allowed)
    {
        foreach (var key in _values.Keys)
            if (!allowed.Contains(key))
                throw new FormatException($"invalid filter '{key}'");
    }

    public static DockerFilters Parse(string? json)
    {
        var filters = new DockerFilters();
        if (string.IsNullOrWhiteSpace(json))
            return filters;

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new FormatException("filters must be a JSON object");

        foreach (var entry in document.RootElement.EnumerateObject())
        {
            switch (entry.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var value in entry.Value.EnumerateObject())
                        if (value.Value.ValueKind != JsonValueKind.False)
                            filters.Add(entry.Name, value.Name);
                    break;
                case JsonValueKind.Array:
                    foreach (var value in entry.Value.EnumerateArray())
                        filters.Add(entry.Name, value.GetString() ?? "");
                    break;
                default:
                    throw new FormatException($"invalid filter value for '{entry.Name}'");
            }
        }
        return filters;
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, values) in _values)
            {
                writer.WriteStartObject(key);
                foreach (var value in values)
                    writer.WriteBoolean(value, true);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public override string ToString() => ToJson();
}
