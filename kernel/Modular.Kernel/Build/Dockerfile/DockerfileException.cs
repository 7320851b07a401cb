using Modular.Sdk;

namespace Modular.Kernel.Build.Dockerfile;

/// <summary>A Dockerfile that cannot be parsed or expanded; the message is Docker's wording, with the line where known.</summary>
public sealed class DockerfileException : DriverException
{
    public DockerfileException(string message) : base(DriverErrorKind.InvalidArgument, message)
    {
    }

    /// <summary>Docker's "dockerfile parse error on line N: ..." form.</summary>
    public static DockerfileException OnLine(int line, string message) =>
        new($"dockerfile parse error on line {line}: {message}");
}
