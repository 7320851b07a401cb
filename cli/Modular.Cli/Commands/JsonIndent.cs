using System.Text;

namespace Modular.Cli.Commands;

/// <summary>
/// Go's json.Indent: re-indents raw JSON without re-encoding anything, so strings keep the daemon's exact escapes
/// (e.g. \u003c) and empty arrays/objects stay "[]" and "{}".
/// </summary>
internal static class JsonIndent
{
    public static string Indent(string raw, string prefix, string indent)
    {
        var output = new StringBuilder(raw.Length * 2);
        var depth = 0;
        var needIndent = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c is ' ' or '\t' or '\r' or '\n')
                continue;

            if (needIndent && c is not (']' or '}'))
            {
                needIndent = false;
                depth++;
                NewLine(output, prefix, indent, depth);
            }

            switch (c)
            {
                case '"':
                {
                    var start = i++;
                    while (i < raw.Length && raw[i] != '"')
                        i += raw[i] == '\\' ? 2 : 1;
                    output.Append(raw, start, i - start + 1);
                    break;
                }
                case '{' or '[':
                    output.Append(c);
                    needIndent = true;
                    break;
                case ',':
                    output.Append(c);
                    NewLine(output, prefix, indent, depth);
                    break;
                case ':':
                    output.Append(": ");
                    break;
                case '}' or ']':
                    if (needIndent)
                        needIndent = false;
                    else
                    {
                        depth--;
                        NewLine(output, prefix, indent, depth);
                    }
                    output.Append(c);
                    break;
                default:
                    output.Append(c);
                    break;
            }
        }
        return output.ToString();
    }

    private static void NewLine(StringBuilder output, string prefix, string indent, int depth)
    {
        output.Append('\n').Append(prefix);
        for (var d = 0; d < depth; d++)
            output.Append(indent);
    }
}
