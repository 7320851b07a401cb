using System.CommandLine;
using System.IO.Pipelines;
using Modular.Api.Client;
using Modular.Api.Formatting;
using Modular.Cli.Build;

namespace Modular.Cli.Commands;

/// <summary>
/// <c>modular build</c>: sends the context (honouring .dockerignore) to the classic builder and prints its output as the
/// docker CLI does; a failed step exits with the step's code.
/// </summary>
internal static class BuildCommand
{
    public static Command Build()
    {
        var command = new Command("build", "Build an image from a Dockerfile");
        var path = new Argument<string>("PATH | -");
        var tags = Multi("--tag", "-t", "Name and optionally a tag in the \"name:tag\" format");
        var file = new Option<string?>("--file", "-f") { Description = "Name of the Dockerfile (Default is \"PATH/Dockerfile\")" };
        var buildArgs = Multi("--build-arg", null, "Set build-time variables");
        var labels = Multi("--label", null, "Set metadata for an image");
        var target = new Option<string?>("--target") { Description = "Set the target build stage to build." };
        var noCache = new Option<bool>("--no-cache") { Description = "Do not use cache when building the image" };
        var pull = new Option<bool>("--pull") { Description = "Always attempt to pull a newer version of the image" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress the build output and print image ID on success" };
        var iidFile = new Option<string?>("--iidfile") { Description = "Write the image ID to the file" };
        var network = new Option<string?>("--network") { Description = "Set the networking mode for the RUN instructions during build" };
        var remove = new Option<bool>("--rm") { Description = "Remove intermediate containers after a successful build", DefaultValueFactory = _ => true };
        var forceRemove = new Option<bool>("--force-rm") { Description = "Always remove intermediate containers" };
        var platform = new Option<string?>("--platform") { Description = "Set platform if server is multi-platform capable" };
        command.Arguments.Add(path);
        foreach (var option in new Option[] { tags, file, buildArgs, labels, target, noCache, pull, quiet, iidFile, network, remove, forceRemove, platform })
            command.Options.Add(option);

        CommandRunner.SetAction(command, async (context, result, cancellationToken) =>
        {
            var contextPath = result.GetValue(path)!;
            if (contextPath == "-")
                throw new CliStatusException(1, "reading a build context or Dockerfile from stdin is not supported by modular build; use -f - with a context folder");
            if (!Directory.Exists(contextPath))
                throw new CliStatusException(1, $"unable to prepare context: path \"{contextPath}\" not found");
            var (dockerfile, extra) = BuildInputs.Dockerfile(contextPath, result.GetValue(file), () => ReadAll(context.StdinStream));
            var archive = new ContextArchive(contextPath, dockerfile, extra);
            var iidPath = result.GetValue(iidFile);
            if (iidPath is not null && File.Exists(iidPath))
                File.Delete(iidPath);

            var isQuiet = result.GetValue(quiet);
            var parameters = new BuildParameters
            {
                Tags = result.GetValue(tags) ?? [],
                Dockerfile = dockerfile,
                BuildArgsJson = BuildInputs.BuildArgsJson(result.GetValue(buildArgs) ?? [], Environment.GetEnvironmentVariable),
                LabelsJson = BuildInputs.LabelsJson(result.GetValue(labels) ?? []),
                Target = result.GetValue(target),
                NoCache = result.GetValue(noCache),
                Pull = result.GetValue(pull),
                Remove = result.GetValue(remove),
                ForceRemove = result.GetValue(forceRemove),
                Quiet = isQuiet,
                NetworkMode = result.GetValue(network),
                Platform = result.GetValue(platform),
            };

            var pipe = new Pipe();
            var writing = Task.Run(() =>
            {
                try
                {
                    using var stream = pipe.Writer.AsStream();
                    archive.WriteTo(stream);
                    pipe.Writer.Complete();
                }
                catch (Exception e)
                {
                    pipe.Writer.Complete(e);
                }
            }, cancellationToken);
            var body = new Copy.CountingStream(pipe.Reader.AsStream());
            string? imageId = null;
            var announced = false;
            await foreach (var message in context.Client.BuildImageAsync(body, parameters, cancellationToken).ConfigureAwait(false))
            {
                if (!announced && !isQuiet)
                {
                    context.Out.Write($"Sending build context to Docker daemon  {HumanUnits.Size(body.Count, 4)}\n\n");
                    announced = true;
                }
                if (message.FailureMessage is { } failure)
                {
                    await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                    throw new CliStatusException(message.ErrorDetail?.Code is > 0 and var code ? code : 1, failure);
                }
                if (message.Aux is { } aux && aux.TryGetProperty("ID", out var id))
                    imageId = id.GetString();
                else if (message.Stream is { Length: > 0 } text)
                    context.Out.Write(text);
            }
            await writing.ConfigureAwait(false);
            await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (iidPath is not null && imageId is not null)
                await File.WriteAllTextAsync(iidPath, imageId, cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static byte[] ReadAll(Stream stdin)
    {
        using var buffer = new MemoryStream();
        stdin.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static Option<string[]> Multi(string name, string? alias, string description)
    {
        var option = alias is null ? new Option<string[]>(name) : new Option<string[]>(name, alias);
        option.Description = description;
        option.AllowMultipleArgumentsPerToken = false;
        return option;
    }
}
