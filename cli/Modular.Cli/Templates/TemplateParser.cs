namespace Modular.Cli.Templates;

/// <summary>Parses Go text/template syntax (the subset docker's --format uses) into nodes.</summary>
internal static class TemplateParser
{
    private abstract record Item;
    private sealed record TextItem(string Text) : Item;
    private sealed record ActionItem(string Body) : Item;

    public static List<TemplateNode> Parse(string template)
    {
        var items = Split(template);
        var position = 0;
        var nodes = ParseList(items, ref position, out var terminator);
        if (terminator is not null)
            throw new TemplateException($"unexpected {{{{{terminator}}}}}");
        return nodes;
    }

    private static List<Item> Split(string template)
    {
        var items = new List<Item>();
        var i = 0;
        var trimNextText = false;
        while (i < template.Length)
        {
            var open = template.IndexOf("{{", i, StringComparison.Ordinal);
            var text = open < 0 ? template[i..] : template[i..open];
            if (trimNextText)
                text = text.TrimStart(' ', '\t', '\r', '\n');
            trimNextText = false;

            if (open < 0)
            {
                if (text.Length > 0)
                    items.Add(new TextItem(text));
                break;
            }

            var bodyStart = open + 2;
            var trimLeft = bodyStart + 1 < template.Length && template[bodyStart] == '-' && char.IsWhiteSpace(template[bodyStart + 1]);
            if (trimLeft)
            {
                text = text.TrimEnd(' ', '\t', '\r', '\n');
                bodyStart += 2;
            }
            if (text.Length > 0)
                items.Add(new TextItem(text));

            var close = FindClose(template, bodyStart);
            var bodyEnd = close;
            if (close - 2 >= bodyStart && template[close - 1] == '-' && char.IsWhiteSpace(template[close - 2]))
            {
                trimNextText = true;
                bodyEnd = close - 2;
            }
            var body = template[bodyStart..bodyEnd].Trim();
            if (!(body.StartsWith("/*", StringComparison.Ordinal) && body.EndsWith("*/", StringComparison.Ordinal)))
                items.Add(new ActionItem(body));
            i = close + 2;
        }
        return items;
    }

    /// <summary>Finds the closing braces of an action, skipping over quoted strings that may contain them.</summary>
    private static int FindClose(string template, int from)
    {
        var i = from;
        while (i < template.Length - 1)
        {
            var c = template[i];
            if (c == '"')
            {
                i++;
                while (i < template.Length && template[i] != '"')
                    i += template[i] == '\\' ? 2 : 1;
            }
            else if (c == '`')
            {
                var end = template.IndexOf('`', i + 1);
                i = end < 0 ? template.Length : end;
            }
            else if (c == '}' && template[i + 1] == '}')
            {
                return i;
            }
            i++;
        }
        throw new TemplateException("unclosed action");
    }

    /// <summary>Parses nodes until end of input or a block keyword (end/else), returned in <paramref name="terminator"/>.</summary>
    private static List<TemplateNode> ParseList(List<Item> items, ref int position, out string? terminator)
    {
        var nodes = new List<TemplateNode>();
        while (position < items.Count)
        {
            var item = items[position++];
            if (item is TextItem text)
            {
                nodes.Add(new TextNode(text.Text));
                continue;
            }

            var body = ((ActionItem)item).Body;
            var keyword = FirstWord(body);
            switch (keyword)
            {
                case "end":
                case "else":
                    terminator = body;
                    return nodes;
                case "if":
                    nodes.Add(ParseIf(items, ref position, body[2..]));
                    break;
                case "with":
                {
                    var value = ParsePipeline(body[4..]);
                    var (then, otherwise) = ParseBlockBodies(items, ref position, "with");
                    nodes.Add(new WithNode(value, then, otherwise));
                    break;
                }
                case "range":
                {
                    var source = ParsePipeline(body[5..]);
                    var (then, otherwise) = ParseBlockBodies(items, ref position, "range");
                    nodes.Add(new RangeNode(source, then, otherwise));
                    break;
                }
                case "define" or "template" or "block" or "break" or "continue":
                    throw new TemplateException($"\"{keyword}\" is not supported in --format templates");
                default:
                    nodes.Add(new ActionNode(ParsePipeline(body)));
                    break;
            }
        }
        terminator = null;
        return nodes;
    }

    private static IfNode ParseIf(List<Item> items, ref int position, string conditionText)
    {
        var condition = ParsePipeline(conditionText);
        var then = ParseList(items, ref position, out var terminator);
        switch (terminator)
        {
            case null:
                throw new TemplateException("unexpected EOF: missing {{end}} for if");
            case "end":
                return new IfNode(condition, then, null);
        }
        var elseBody = terminator!.Length > 4 ? terminator[4..].Trim() : "";
        if (elseBody.StartsWith("if ", StringComparison.Ordinal))
            return new IfNode(condition, then, [ParseIf(items, ref position, elseBody[2..])]);
        var otherwise = ParseList(items, ref position, out terminator);
        if (terminator != "end")
            throw new TemplateException("expected {{end}} after {{else}}");
        return new IfNode(condition, then, otherwise);
    }

    private static (List<TemplateNode> Then, List<TemplateNode>? Else) ParseBlockBodies(List<Item> items, ref int position, string keyword)
    {
        var then = ParseList(items, ref position, out var terminator);
        if (terminator is null)
            throw new TemplateException($"unexpected EOF: missing {{{{end}}}} for {keyword}");
        if (terminator == "end")
            return (then, null);
        var otherwise = ParseList(items, ref position, out terminator);
        if (terminator != "end")
            throw new TemplateException($"expected {{{{end}}}} after {{{{else}}}} in {keyword}");
        return (then, otherwise);
    }

    private static string FirstWord(string body)
    {
        var end = 0;
        while (end < body.Length && char.IsLetter(body[end]))
            end++;
        return body[..end];
    }

    internal static PipelineNode ParsePipeline(string text)
    {
        var tokens = TemplateLexer.Tokenize(text);
        var position = 0;
        var pipeline = ParsePipelineTokens(tokens, ref position);
        if (tokens[position].Kind != TokenKind.End)
            throw new TemplateException($"unexpected \"{tokens[position].Text}\" in command");
        return pipeline;
    }

    private static PipelineNode ParsePipelineTokens(List<Token> tokens, ref int position)
    {
        var declarations = new List<string>();
        var isAssignment = false;

        // Look ahead for "$a :=" or "$a, $b :=" or "$a =".
        var probe = position;
        var names = new List<string>();
        while (tokens[probe].Kind == TokenKind.Variable)
        {
            names.Add(tokens[probe].Text);
            probe++;
            if (tokens[probe].Kind == TokenKind.Comma)
                probe++;
            else
                break;
        }
        if (names.Count > 0 && tokens[probe].Kind is TokenKind.Declare or TokenKind.Assign)
        {
            declarations = names;
            isAssignment = tokens[probe].Kind == TokenKind.Assign;
            position = probe + 1;
        }

        var commands = new List<CommandNode>();
        while (true)
        {
            var operands = new List<OperandNode>();
            while (tokens[position].Kind is not (TokenKind.Pipe or TokenKind.End or TokenKind.RightParen))
                operands.Add(ParseOperand(tokens, ref position));
            if (operands.Count == 0)
                throw new TemplateException("missing value for command");
            commands.Add(new CommandNode(operands));
            if (tokens[position].Kind != TokenKind.Pipe)
                break;
            position++;
        }
        return new PipelineNode(declarations, isAssignment, commands);
    }

    private static OperandNode ParseOperand(List<Token> tokens, ref int position)
    {
        var token = tokens[position++];
        switch (token.Kind)
        {
            case TokenKind.Field:
                return new FieldNode(null, SplitChain(token.Text));
            case TokenKind.Dot:
                return new DotNode();
            case TokenKind.Variable:
                if (tokens[position].Kind == TokenKind.Field)
                    return new FieldNode(new VariableNode(token.Text), SplitChain(tokens[position++].Text));
                return new VariableNode(token.Text);
            case TokenKind.Identifier:
                return new FunctionNode(token.Text);
            case TokenKind.String or TokenKind.Number or TokenKind.Bool:
                return new LiteralNode(token.Value);
            case TokenKind.Nil:
                return new LiteralNode(null);
            case TokenKind.LeftParen:
            {
                var inner = ParsePipelineTokens(tokens, ref position);
                if (tokens[position++].Kind != TokenKind.RightParen)
                    throw new TemplateException("unclosed left paren");
                var sub = new SubPipelineNode(inner);
                if (tokens[position].Kind == TokenKind.Field)
                    return new FieldNode(sub, SplitChain(tokens[position++].Text));
                return sub;
            }
            default:
                throw new TemplateException($"unexpected \"{token.Text}\" in operand");
        }
    }

    private static List<string> SplitChain(string chain) => [.. chain.Split('.', StringSplitOptions.RemoveEmptyEntries)];
}
