using System.Text;

namespace Modular.Api.Client;

/// <summary>Builds a query string; booleans are sent as 1/0 as the Docker client does.</summary>
public sealed class QueryString
{
    private readonly StringBuilder _text = new();

    public QueryString Add(string name, string? value)
    {
        if (value is null)
            return this;
        _text.Append(_text.Length == 0 ? '?' : '&')
            .Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        return this;
    }

    public QueryString Add(string name, bool value) => Add(name, value ? "1" : "0");

    /// <summary>Adds the flag only when it is true, for parameters the daemon treats as off when absent.</summary>
    public QueryString AddIfTrue(string name, bool value) => value ? Add(name, "1") : this;

    public QueryString Add(string name, long? value) =>
        value is null ? this : Add(name, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public override string ToString() => _text.ToString();
}
