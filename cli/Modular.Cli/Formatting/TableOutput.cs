using System.Text;
using System.Text.Json.Nodes;
using Modular.Cli.Templates;

namespace Modular.Cli.Formatting;

/// <summary>
/// Docker's formatter context: a <c>--format</c> value is "table [template]", "json", or a template; rows are
/// rendered one per line and, for tables, preceded by a header and aligned with <see cref="TabWriter"/>.
/// </summary>
internal static class TableOutput
{
    public const string TablePrefix = "table";

    /// <param name="parseErrorPrefix">docker words parse failures differently per command ("failed to parse template: " for ps,
    /// "template parsing error: " elsewhere).</param>
    public static string Render(string? format, string defaultTable, IEnumerable<ITemplateObject> rows, IReadOnlyDictionary<string, string> headers,
        string parseErrorPrefix = "template parsing error: ")
    {
        var chosen = string.IsNullOrEmpty(format) || format == TablePrefix ? defaultTable : format;
        if (chosen == "json")
            chosen = "{{json .}}";
        var isTable = chosen.StartsWith(TablePrefix, StringComparison.Ordinal);
        var body = Prepare(isTable ? chosen[TablePrefix.Length..] : chosen);

        GoTemplate template;
        try
        {
            template = GoTemplate.Parse(body);
        }
        catch (TemplateException e)
        {
            throw new CliStatusException(1, $"{parseErrorPrefix}template: :1: {e.Message}");
        }

        var buffer = new StringBuilder();
        try
        {
            foreach (var row in rows)
                buffer.Append(template.Execute(row)).Append('\n');
        }
        catch (TemplateException e)
        {
            throw new CliStatusException(1, $"failed to execute template: template: :1: {e.Message}");
        }

        if (!isTable)
            return buffer.ToString();

        var header = template.ExecuteHeader(new HeaderRow(headers));
        return new TabWriter().Format(header + "\n" + buffer);
    }

    /// <summary>Trims the spaces docker trims and turns literal \t and \n typed on a command line into real ones.</summary>
    public static string Prepare(string format) => format.Trim(' ').Replace("\\t", "\t").Replace("\\n", "\n");

    /// <summary>Answers every field with its column title, so executing the row template yields the header line.</summary>
    private sealed class HeaderRow(IReadOnlyDictionary<string, string> headers) : ITemplateObject
    {
        public bool TryGetField(string name, IReadOnlyList<object?> arguments, out object? value)
        {
            value = headers.TryGetValue(name, out var title) ? title : name.ToUpperInvariant();
            return true;
        }

        public JsonObject ToJson() => new();
    }
}
