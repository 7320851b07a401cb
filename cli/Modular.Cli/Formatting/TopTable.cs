using System.Text;
using Modular.Api.Models;

namespace Modular.Cli.Formatting;

/// <summary>docker top's table: the daemon's ps titles and rows, aligned by a tabwriter with 20-column minimum cells.</summary>
internal static class TopTable
{
    public static string Render(ContainerTopResponse top)
    {
        var text = new StringBuilder();
        text.AppendJoin('\t', top.Titles ?? []).Append('\n');
        foreach (var process in top.Processes ?? [])
            text.AppendJoin('\t', process).Append('\n');
        return new TabWriter(minWidth: 20, padding: 3).Format(text.ToString());
    }
}
