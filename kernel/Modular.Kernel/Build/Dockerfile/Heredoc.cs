namespace Modular.Kernel.Build.Dockerfile;

/// <summary>
/// A here-document of a RUN, COPY or ADD: <c>&lt;&lt;EOF</c> (expanded), <c>&lt;&lt;"EOF"</c> / <c>&lt;&lt;'EOF'</c>
/// (literal) or <c>&lt;&lt;-EOF</c> (leading tabs stripped). <see cref="Content"/> ends with a newline per line.
/// </summary>
public sealed record Heredoc(string Name, string Content, bool Expand, bool StripTabs);
