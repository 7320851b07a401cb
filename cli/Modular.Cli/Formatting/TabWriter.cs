using System.Text;

namespace Modular.Cli.Formatting;

/// <summary>
/// Go's text/tabwriter with flags 0 (left-aligned, space padding): tab-terminated cells of consecutive lines form a
/// column block whose width is max(minWidth, widest cell + padding). The last cell of a line is not aligned.
/// Docker's tables use minWidth 10, tabWidth 1, padding 3.
/// </summary>
internal sealed class TabWriter(int minWidth = 10, int padding = 3)
{
    public string Format(string text)
    {
        var lines = text.Split('\n');
        var cells = lines.Select(line => line.Split('\t')).ToList();
        var output = new StringBuilder();
        var widths = new List<int>();
        FormatBlock(cells, widths, 0, cells.Count, output);
        // Split produced one trailing empty "line" after a final newline; FormatBlock wrote newlines between lines.
        return output.ToString();
    }

    private void FormatBlock(List<string[]> lines, List<int> widths, int line0, int line1, StringBuilder output)
    {
        var column = widths.Count;
        for (var current = line0; current < line1; current++)
        {
            if (column >= lines[current].Length - 1)
                continue;

            WriteLines(lines, widths, line0, current, output);
            line0 = current;

            var width = minWidth;
            for (; current < line1; current++)
            {
                var line = lines[current];
                if (column >= line.Length - 1)
                    break;
                width = Math.Max(width, DisplayWidth(line[column]) + padding);
            }

            widths.Add(width);
            FormatBlock(lines, widths, line0, current, output);
            widths.RemoveAt(widths.Count - 1);
            line0 = current;
            current--;
        }
        WriteLines(lines, widths, line0, line1, output);
    }

    private static void WriteLines(List<string[]> lines, List<int> widths, int from, int to, StringBuilder output)
    {
        for (var i = from; i < to; i++)
        {
            var line = lines[i];
            for (var j = 0; j < line.Length; j++)
            {
                output.Append(line[j]);
                if (j < widths.Count && j < line.Length - 1)
                    output.Append(' ', widths[j] - DisplayWidth(line[j]));
            }
            if (i < lines.Count - 1)
                output.Append('\n');
        }
    }

    private static int DisplayWidth(string cell) => cell.EnumerateRunes().Count();
}
