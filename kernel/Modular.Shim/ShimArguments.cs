namespace Modular.Shim;

/// <summary>What the daemon tells a shim on its command line.</summary>
internal sealed record ShimArguments(
    string ContainerId,
    string Bundle,
    string StateDirectory,
    string Runtime,
    string RuntimeRoot,
    IReadOnlyList<string> RuntimeArguments,
    bool Terminal,
    bool OpenStdin,
    bool Start)
{
    public static ShimArguments Parse(string[] args)
    {
        string? id = null, bundle = null, state = null, runtime = null, root = null;
        var runtimeArguments = new List<string>();
        bool terminal = false, stdin = false, start = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--id": id = Value(); break;
                case "--bundle": bundle = Value(); break;
                case "--state-dir": state = Value(); break;
                case "--runtime": runtime = Value(); break;
                case "--runtime-root": root = Value(); break;
                case "--runtime-arg": runtimeArguments.Add(Value()); break;
                case "--tty": terminal = true; break;
                case "--stdin": stdin = true; break;
                case "--start": start = true; break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        return new ShimArguments(
            id ?? throw new ArgumentException("--id is required"),
            bundle ?? throw new ArgumentException("--bundle is required"),
            state ?? throw new ArgumentException("--state-dir is required"),
            runtime ?? throw new ArgumentException("--runtime is required"),
            root ?? throw new ArgumentException("--runtime-root is required"),
            runtimeArguments, terminal, stdin, start);
    }
}
