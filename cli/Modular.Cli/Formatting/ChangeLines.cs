using Modular.Api.Models;

namespace Modular.Cli.Formatting;

/// <summary>docker diff's "{{.Type}} {{.Path}}" lines: C for changed, A for added, D for deleted.</summary>
internal static class ChangeLines
{
    public static string Line(ContainerChange change) => KindLetter(change.Kind) + " " + change.Path;

    private static string KindLetter(int kind) => kind switch
    {
        0 => "C",
        1 => "A",
        2 => "D",
        _ => "",
    };
}
