using System.Text.Json;
using Modular.Api.Models;

namespace Modular.Kernel.Build;

/// <summary>
/// The classic builder's JSON stream: <c>{"stream": ...}</c> text, <c>{"aux": {"ID": ...}}</c> for the result.
/// With <c>q</c> the step text is suppressed (the build's own messages are still returned on failure, as Docker does).
/// </summary>
public sealed class BuildOutput(Func<ProgressMessage, Task> write, bool quiet)
{
    public bool Quiet => quiet;

    /// <summary>Step text: dropped in quiet mode.</summary>
    public Task StepAsync(string text) => quiet ? Task.CompletedTask : write(new ProgressMessage { Stream = text });

    /// <summary>Text shown even in quiet mode (the final image id).</summary>
    public Task AlwaysAsync(string text) => write(new ProgressMessage { Stream = text });

    public Task AuxIdAsync(string imageId)
    {
        using var document = JsonDocument.Parse($"{{\"ID\":\"{imageId}\"}}");
        return write(new ProgressMessage { Aux = document.RootElement.Clone() });
    }
}
