namespace Modular.Cli;

internal static class CliApplication
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("modular: no commands yet");
        return 1;
    }
}
