using System.Text.Json.Nodes;
using Modular.Cli.Templates;
using Xunit;

namespace Modular.Cli.Tests.Formatting;

public sealed class GoTemplateTests
{
    private static readonly JsonNode Container = JsonNode.Parse("""
        {
          "Id": "abc123",
          "Name": "/web",
          "State": { "Status": "running", "ExitCode": 0, "Pid": 42 },
          "Config": { "Cmd": ["echo", "hi"], "Labels": { "b": "2", "a": "1" }, "Env": null, "Image": "busybox<1>" },
          "Mounts": []
        }
        """)!;

    private static string Run(string template, JsonNode? data = null) => GoTemplate.Parse(template).Execute(data ?? Container);

    [Theory]
    [InlineData("{{.Id}}", "abc123")]
    [InlineData("{{.State.Status}}/{{.State.Pid}}", "running/42")]
    [InlineData("{{.Config.Cmd}}", "[echo hi]")]
    [InlineData("{{.Config.Labels}}", "map[a:1 b:2]")]
    [InlineData("{{.Missing}}", "<no value>")]
    [InlineData("{{.Config.Env}}", "<nil>")]
    public void Fields_print_like_go(string template, string expected) => Assert.Equal(expected, Run(template));

    [Fact]
    public void Json_function_keeps_wire_order_and_does_not_escape_html_like_docker()
    {
        Assert.Equal("""{"Status":"running","ExitCode":0,"Pid":42}""", Run("{{json .State}}"));
        Assert.Equal("\"busybox<1>\"", Run("{{json .Config.Image}}"));
        Assert.Equal("""["echo","hi"]""", Run("{{json .Config.Cmd}}"));
    }

    [Fact]
    public void Comparison_and_conditionals()
    {
        Assert.Equal("true", Run("{{eq .State.Status \"running\"}}"));
        Assert.Equal("up", Run("{{if eq .State.Status \"running\"}}up{{else}}down{{end}}"));
        Assert.Equal("second", Run("{{if eq .State.Pid 1}}first{{else if ne .State.Pid 1}}second{{else}}third{{end}}"));
        Assert.Equal("yes", Run("{{if eq .State.Status \"exited\" \"running\"}}yes{{end}}"));
        Assert.Equal("empty", Run("{{if .Mounts}}some{{else}}empty{{end}}"));
        Assert.Equal("true", Run("{{and .Id .State.Status | not | not}}"));
    }

    [Fact]
    public void Range_over_maps_is_sorted_and_binds_variables()
    {
        Assert.Equal("a=1;b=2;", Run("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}"));
        Assert.Equal("echo|hi|", Run("{{range .Config.Cmd}}{{.}}|{{end}}"));
        Assert.Equal("none", Run("{{range .Mounts}}x{{else}}none{{end}}"));
        Assert.Equal("0:echo 1:hi ", Run("{{range $i, $c := .Config.Cmd}}{{$i}}:{{$c}} {{end}}"));
    }

    [Fact]
    public void String_functions()
    {
        Assert.Equal("RUNNING running Running", Run("{{upper .State.Status}} {{lower \"RUNNING\"}} {{title .State.Status}}"));
        Assert.Equal("echo,hi", Run("{{join .Config.Cmd \",\"}}"));
        Assert.Equal("3", Run("{{len (split \"a:b:c\" \":\")}}"));
        Assert.Equal("b", Run("{{index (split \"a:b:c\" \":\") 1}}"));
        Assert.Equal("1", Run("{{index .Config.Labels \"a\"}}"));
        Assert.Equal("", Run("{{index .Config.Labels \"zzz\"}}"));
        Assert.Equal("hi", Run("{{index .Config.Cmd 1}}"));
        Assert.Equal("web-0042|running   |", Run("{{printf \"%s-%04d|%-10s|\" \"web\" .State.Pid .State.Status}}"));
        Assert.Equal("abc123\n", Run("{{println .Id}}"));
        Assert.Equal("ech", Run("{{truncate (index .Config.Cmd 0) 3}}"));
    }

    [Fact]
    public void Whitespace_trim_markers_and_comments()
    {
        Assert.Equal("a,b", Run("a, {{- /* note */ -}} \n b"));
        Assert.Equal("x", Run("{{- \"x\" -}}   "));
    }

    [Fact]
    public void Variables_and_dollar_root()
    {
        Assert.Equal("running running", Run("{{$s := .State.Status}}{{$s}} {{with .Config}}{{$.State.Status}}{{end}}"));
    }

    [Theory]
    [InlineData("{{.Id")]
    [InlineData("{{if .Id}}x")]
    [InlineData("{{nosuchfunc .Id}}")]
    public void Broken_templates_are_reported(string template) =>
        Assert.Throws<TemplateException>(() => Run(template));
}
