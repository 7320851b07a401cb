using Modular.Kernel.Build.Dockerfile;
using Xunit;

namespace Modular.Kernel.Tests.Build;

public sealed class VariableExpanderTests
{
    private static readonly Dictionary<string, string> Variables = new()
    {
        ["NAME"] = "world",
        ["EMPTY"] = "",
        ["PATH_DIR"] = "/usr/local",
    };

    private static string Expand(string word, char escape = '\\') =>
        new VariableExpander(escape, name => Variables.GetValueOrDefault(name)).ProcessWord(word);

    [Theory]
    [InlineData("$NAME", "world")]
    [InlineData("${NAME}", "world")]
    [InlineData("hello-$NAME-x", "hello-world-x")]
    [InlineData("${NAME}s", "worlds")]
    [InlineData("$UNSET", "")]
    [InlineData("${UNSET:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${EMPTY-fallback}", "")]
    [InlineData("${UNSET-fallback}", "fallback")]
    [InlineData("${NAME:+alt}", "alt")]
    [InlineData("${EMPTY:+alt}", "")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${UNSET:+alt}", "")]
    [InlineData("${UNSET:-$NAME}", "world")]
    [InlineData("${UNSET:-${PATH_DIR}/bin}", "/usr/local/bin")]
    [InlineData("'$NAME'", "$NAME")]
    [InlineData("\"$NAME\"", "world")]
    [InlineData("\"a b\"", "a b")]
    [InlineData("\\$NAME", "$NAME")]
    [InlineData("\"\\$NAME\"", "$NAME")]
    [InlineData("e\\ f", "e f")]
    [InlineData("$", "$")]
    [InlineData("a$", "a$")]
    [InlineData("$1", "")]
    public void Expands_like_the_dockerfile_shell_lexer(string word, string expected)
    {
        Assert.Equal(expected, Expand(word));
    }

    [Fact]
    public void Backtick_escape_protects_dollars()
    {
        Assert.Equal("$NAME", Expand("`$NAME", '`'));
        Assert.Equal("c:\\dir", Expand("c:\\dir", '`'));
    }

    [Fact]
    public void Required_variable_message_is_an_error()
    {
        var error = Assert.Throws<DockerfileException>(() => Expand("${UNSET:?must be set}"));

        Assert.Contains("UNSET: must be set", error.Message);
    }

    [Theory]
    [InlineData("${NAME")]
    [InlineData("${}")]
    [InlineData("'open")]
    [InlineData("${NAME/a/b}")]
    public void Malformed_substitutions_are_errors(string word)
    {
        Assert.Throws<DockerfileException>(() => Expand(word));
    }

    [Fact]
    public void Heredoc_bodies_expand_variables_but_keep_quotes()
    {
        var expander = new VariableExpander('\\', name => Variables.GetValueOrDefault(name));

        Assert.Equal("echo 'world' \"world\" $NAME\n", expander.ProcessHeredoc("echo '$NAME' \"${NAME}\" \\$NAME\n"));
    }

    [Fact]
    public void Splits_words_outside_quotes_keeping_them()
    {
        Assert.Equal(["a=1", "b=\"x y\"", "c='p q'", "d=e\\ f"], VariableExpander.SplitUnquoted("a=1  b=\"x y\" c='p q' d=e\\ f", '\\'));
    }
}
