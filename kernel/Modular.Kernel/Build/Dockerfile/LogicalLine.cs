namespace Modular.Kernel.Build.Dockerfile;

/// <summary>
/// One instruction as the line parser sees it: the keyword as written, the rest of the text with continuations joined,
/// the heredocs that follow it, and the line it starts on.
/// </summary>
public sealed record LogicalLine(string Keyword, string Rest, string Original, int Line, IReadOnlyList<Heredoc> Heredocs);
