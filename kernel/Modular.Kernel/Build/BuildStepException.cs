using Modular.Sdk;

namespace Modular.Kernel.Build;

/// <summary>A step that failed with an exit code (a RUN): the stream's errorDetail carries the code, which the docker CLI exits with.</summary>
public sealed class BuildStepException(string message, int code) : DriverException(DriverErrorKind.InvalidArgument, message)
{
    public int Code { get; } = code;
}
