using System.CommandLine;
using Modular.Api.Client;

namespace Modular.Cli;

/// <summary>Options every command accepts, and what a command needs at run time: the daemon client and the std streams.</summary>
internal sealed class CliContext : IDisposable
{
    public const string HostEnvironmentVariable = "MODULAR_HOST";

    public static readonly Option<string?> HostOption = new("--host", "-H")
    {
        Description = $"Daemon socket to connect to (default {EngineEndpoint.DefaultHost}, or ${HostEnvironmentVariable})",
        Recursive = true,
    };

    public static readonly Option<bool> DebugOption = new("--debug", "-D")
    {
        Description = "Enable debug mode",
        Recursive = true,
    };

    private EngineClient? _client;

    public CliContext(string host, bool debug, TextWriter output, TextWriter error, Stream? stdin = null, Stream? stdout = null, Stream? stderr = null)
    {
        Host = host;
        Debug = debug;
        Out = output;
        Err = error;
        StdinStream = stdin ?? Terminal.StdinStream.Open();
        StdoutStream = stdout ?? Console.OpenStandardOutput();
        StderrStream = stderr ?? Console.OpenStandardError();
    }

    public string Host { get; }
    public bool Debug { get; }
    public TextWriter Out { get; }
    public TextWriter Err { get; }
    public Stream StdinStream { get; }
    public Stream StdoutStream { get; }
    public Stream StderrStream { get; }

    public EngineClient Client => _client ??= new EngineClient(EngineEndpoint.Parse(Host), $"modular-cli/{CliVersion.Version}");

    public static string ResolveHost(string? flag) =>
        !string.IsNullOrEmpty(flag) ? flag
        : Environment.GetEnvironmentVariable(HostEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : EngineEndpoint.DefaultHost;

    public static CliContext From(ParseResult result) =>
        new(ResolveHost(result.GetValue(HostOption)), result.GetValue(DebugOption), Console.Out, Console.Error);

    public void Dispose() => _client?.Dispose();
}

internal static class CliVersion
{
    public static string Version =>
        typeof(CliVersion).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            is [System.Reflection.AssemblyInformationalVersionAttribute attribute, ..]
            ? attribute.InformationalVersion.Split('+')[0]
            : "0.0.0";

    public static string Commit =>
        typeof(CliVersion).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            is [System.Reflection.AssemblyInformationalVersionAttribute attribute, ..] && attribute.InformationalVersion.Split('+') is [_, var commit, ..]
            ? commit[..Math.Min(7, commit.Length)]
            : "unknown";
}
