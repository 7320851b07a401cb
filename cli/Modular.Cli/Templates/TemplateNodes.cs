namespace Modular.Cli.Templates;

internal abstract record TemplateNode;
internal sealed record TextNode(string Text) : TemplateNode;
internal sealed record ActionNode(PipelineNode Pipeline) : TemplateNode;
internal sealed record IfNode(PipelineNode Condition, List<TemplateNode> Then, List<TemplateNode>? Else) : TemplateNode;
internal sealed record WithNode(PipelineNode Value, List<TemplateNode> Body, List<TemplateNode>? Else) : TemplateNode;
internal sealed record RangeNode(PipelineNode Source, List<TemplateNode> Body, List<TemplateNode>? Else) : TemplateNode;

/// <summary><c>$k, $v := cmd | cmd</c>; <see cref="IsAssignment"/> for <c>$x = …</c>.</summary>
internal sealed record PipelineNode(List<string> Declarations, bool IsAssignment, List<CommandNode> Commands);

internal sealed record CommandNode(List<OperandNode> Operands);

internal abstract record OperandNode;
/// <summary>A chain of field names off a base: <c>.A.B</c> (base = dot), <c>$x.A</c>, <c>(pipeline).A</c>.</summary>
internal sealed record FieldNode(OperandNode? Base, List<string> Names) : OperandNode;
internal sealed record DotNode : OperandNode;
internal sealed record VariableNode(string Name) : OperandNode;
internal sealed record FunctionNode(string Name) : OperandNode;
internal sealed record LiteralNode(object? Value) : OperandNode;
internal sealed record SubPipelineNode(PipelineNode Pipeline) : OperandNode;
