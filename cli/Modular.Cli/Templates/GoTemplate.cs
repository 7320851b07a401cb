using System.Text;
using System.Text.Json.Nodes;

namespace Modular.Cli.Templates;

/// <summary>
/// A parsed Go text/template, executed over the wire JSON of an object (or a formatter row), so field names are
/// exactly the names docker's templates see. No reflection: AOT-safe.
/// </summary>
internal sealed class GoTemplate
{
    private readonly List<TemplateNode> _nodes;
    private readonly bool _missingKeyIsError;

    private GoTemplate(List<TemplateNode> nodes, bool missingKeyIsError)
    {
        _nodes = nodes;
        _missingKeyIsError = missingKeyIsError;
    }

    /// <param name="missingKeyIsError">Go's <c>missingkey=error</c>, which docker inspect uses: a missing key fails
    /// instead of printing "&lt;no value&gt;".</param>
    public static GoTemplate Parse(string text, bool missingKeyIsError = false) => new(TemplateParser.Parse(text), missingKeyIsError);

    /// <summary>Runs the template with <paramref name="data"/> as dot. JsonNode values are read as JSON.</summary>
    public string Execute(object? data) => Execute(data, headerFunctions: false);

    /// <summary>
    /// Runs the template over a table's column titles with docker's HeaderFunctions: json, split, join, title, lower,
    /// upper and truncate hand the title back untouched, so <c>{{json .Command}}</c> heads its column COMMAND.
    /// </summary>
    /// <remarks>docker ignores a header that fails (json of a whole row, say): what was written before the failure stands.</remarks>
    public string ExecuteHeader(object? titles)
    {
        var output = new StringBuilder();
        try
        {
            Execute(titles, headerFunctions: true, output);
        }
        catch (TemplateException)
        {
        }
        return output.ToString();
    }

    private string Execute(object? data, bool headerFunctions)
    {
        var output = new StringBuilder();
        Execute(data, headerFunctions, output);
        return output.ToString();
    }

    private void Execute(object? data, bool headerFunctions, StringBuilder output)
    {
        var dot = data is JsonNode node ? TemplateValues.FromJson(node) : data;
        ExecuteList(_nodes, dot, new Scope(dot, _missingKeyIsError, headerFunctions), output);
    }

    private sealed class Scope(object? root, bool missingKeyIsError, bool headerFunctions)
    {
        public bool MissingKeyIsError { get; } = missingKeyIsError;

        public bool HeaderFunctions { get; } = headerFunctions;

        private readonly List<(string Name, object? Value)> _variables = [("$", root)];

        public int Mark => _variables.Count;
        public void Pop(int mark) => _variables.RemoveRange(mark, _variables.Count - mark);
        public void Declare(string name, object? value) => _variables.Add((name, value));

        public void Assign(string name, object? value)
        {
            for (var i = _variables.Count - 1; i >= 0; i--)
                if (_variables[i].Name == name)
                {
                    _variables[i] = (name, value);
                    return;
                }
            throw new TemplateException($"undefined variable: {name}");
        }

        public object? Get(string name)
        {
            for (var i = _variables.Count - 1; i >= 0; i--)
                if (_variables[i].Name == name)
                    return _variables[i].Value;
            throw new TemplateException($"undefined variable: {name}");
        }
    }

    private static void ExecuteList(List<TemplateNode> nodes, object? dot, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case ActionNode action:
                {
                    var value = EvaluatePipeline(action.Pipeline, dot, scope);
                    if (action.Pipeline.Declarations.Count == 0)
                        output.Append(TemplateValues.Print(value));
                    break;
                }
                case IfNode conditional:
                {
                    var mark = scope.Mark;
                    var branch = TemplateValues.IsTrue(EvaluatePipeline(conditional.Condition, dot, scope)) ? conditional.Then : conditional.Else;
                    if (branch is not null)
                        ExecuteList(branch, dot, scope, output);
                    scope.Pop(mark);
                    break;
                }
                case WithNode with:
                {
                    var mark = scope.Mark;
                    var value = EvaluatePipeline(with.Value, dot, scope);
                    if (TemplateValues.IsTrue(value))
                        ExecuteList(with.Body, value, scope, output);
                    else if (with.Else is not null)
                        ExecuteList(with.Else, dot, scope, output);
                    scope.Pop(mark);
                    break;
                }
                case RangeNode range:
                    ExecuteRange(range, dot, scope, output);
                    break;
            }
        }
    }

    private static void ExecuteRange(RangeNode range, object? dot, Scope scope, StringBuilder output)
    {
        var pipeline = range.Source with { Declarations = [] };
        var source = EvaluatePipeline(pipeline, dot, scope);
        var items = source switch
        {
            JsonArray array => array.Select((node, i) => ((object?)(long)i, TemplateValues.FromJson(node))).ToList(),
            JsonObject obj => obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => ((object?)p.Key, TemplateValues.FromJson(p.Value))).ToList(),
            IEnumerable<object?> list when source is not string => list.Select((item, i) => ((object?)(long)i, item)).ToList(),
            null or NoValue => [],
            long count => Enumerable.Range(0, (int)count).Select(i => ((object?)(long)i, (object?)(long)i)).ToList(),
            _ => throw new TemplateException($"range can't iterate over {TemplateValues.Print(source)}"),
        };

        if (items.Count == 0)
        {
            if (range.Else is not null)
                ExecuteList(range.Else, dot, scope, output);
            return;
        }

        var declarations = range.Source.Declarations;
        foreach (var (key, value) in items)
        {
            var mark = scope.Mark;
            if (declarations.Count == 1)
                scope.Declare(declarations[0], value);
            else if (declarations.Count >= 2)
            {
                scope.Declare(declarations[0], key);
                scope.Declare(declarations[1], value);
            }
            ExecuteList(range.Body, value, scope, output);
            scope.Pop(mark);
        }
    }

    private static object? EvaluatePipeline(PipelineNode pipeline, object? dot, Scope scope)
    {
        object? value = null;
        var hasPiped = false;
        foreach (var command in pipeline.Commands)
        {
            value = EvaluateCommand(command, dot, scope, hasPiped ? value : null, hasPiped);
            hasPiped = true;
        }
        foreach (var name in pipeline.Declarations)
        {
            if (pipeline.IsAssignment)
                scope.Assign(name, value);
            else
                scope.Declare(name, value);
        }
        return value;
    }

    private static object? EvaluateCommand(CommandNode command, object? dot, Scope scope, object? piped, bool hasPiped)
    {
        var first = command.Operands[0];
        var rest = command.Operands.Skip(1).Select(operand => EvaluateOperand(operand, dot, scope)).ToList();
        if (hasPiped)
            rest.Add(piped);

        switch (first)
        {
            case FunctionNode function:
                if (scope.HeaderFunctions && function.Name is "json" or "split" or "join" or "title" or "lower" or "upper" or "truncate" && rest.Count > 0)
                    return rest[0] as string ?? throw new TemplateException($"wrong type for value; expected string; got {TemplateValues.TypeName(rest[0])}");
                if (TemplateFunctions.TryCall(function.Name, rest, out var result))
                    return result;
                throw new TemplateException($"function \"{function.Name}\" not defined");
            case FieldNode field:
            {
                var target = field.Base is null ? dot : EvaluateOperand(field.Base, dot, scope);
                for (var i = 0; i < field.Names.Count - 1; i++)
                    target = Field(target, field.Names[i], [], scope);
                return Field(target, field.Names[^1], rest, scope);
            }
            default:
                if (rest.Count > 0)
                    throw new TemplateException("can't give argument to non-function");
                return EvaluateOperand(first, dot, scope);
        }
    }

    private static object? EvaluateOperand(OperandNode operand, object? dot, Scope scope) => operand switch
    {
        DotNode => dot,
        VariableNode variable => scope.Get(variable.Name),
        LiteralNode literal => literal.Value,
        SubPipelineNode sub => EvaluatePipeline(sub.Pipeline, dot, scope),
        FieldNode field => EvaluateCommand(new CommandNode([field]), dot, scope, null, false),
        FunctionNode function => TemplateFunctions.TryCall(function.Name, [], out var result)
            ? result
            : throw new TemplateException($"function \"{function.Name}\" not defined"),
        _ => throw new TemplateException("unsupported operand"),
    };

    private static object? Field(object? target, string name, IReadOnlyList<object?> arguments, Scope scope)
    {
        switch (target)
        {
            case ITemplateObject row:
                if (row.TryGetField(name, arguments, out var value))
                    return value;
                throw new TemplateException($"can't evaluate field {name} in type {row.GetType().Name}");
            case JsonObject obj:
                if (arguments.Count > 0)
                    throw new TemplateException($"{name} has arguments but cannot be invoked as function");
                if (obj.TryGetPropertyValue(name, out var node))
                    return TemplateValues.FromJson(node);
                return scope.MissingKeyIsError ? throw new TemplateException($"map has no entry for key \"{name}\"") : NoValue.Instance;
            case null or NoValue:
                throw new TemplateException($"nil pointer evaluating interface {{}}.{name}");
            default:
                throw new TemplateException($"can't evaluate field {name} in type {TemplateValues.TypeName(target)}");
        }
    }
}
