using Microsoft.Extensions.Logging;
using Modular.Kernel.Build.Dockerfile;
using Modular.Kernel.Containers;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Build;

/// <summary>
/// The classic Dockerfile builder: parses the Dockerfile, runs the needed stages step by step (each step commits an
/// image, RUN in a real container), reuses cached steps, tags the result and reports like dockerd's legacy builder.
/// </summary>
public sealed class DockerfileBuilder(ContainerService containers, ContainerRunner runner, BuildCache cache, ILogger<DockerfileBuilder> logger)
{
    private BaseImagePuller? _puller;
    private BuildJournal? _journal;

    internal BaseImagePuller Puller => _puller ??= new BaseImagePuller(containers.Images, containers.Config);
    internal ContainerService Containers => containers;
    internal ContainerRunner Runner => runner;
    internal BuildCache Cache => cache;
    internal ILogger Logger => logger;
    internal BuildJournal Journal => _journal ??= new BuildJournal(containers.Config.DataRoot);

    /// <summary>Where build contexts and downloads are kept while a build runs.</summary>
    public string TemporaryFolder => Path.Combine(containers.Config.DataRoot, "builder", "tmp");

    /// <summary>
    /// Removes what builds of a daemon that was killed left behind: their RUN containers, their writable layers and
    /// their extracted contexts. Runs at start, before the API accepts requests.
    /// </summary>
    public async Task RemoveLeftoversAsync()
    {
        var (leftContainers, leftLayers) = Journal.Leftovers();
        foreach (var id in leftContainers)
        {
            try
            {
                if (containers.Store.Find(id) is not null)
                {
                    await containers.RemoveAsync(id, force: true, runner, CancellationToken.None);
                }
                Journal.ForgetContainer(id);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not remove the build container {Id} left by a previous daemon", id);
            }
        }
        var storage = containers.Drivers.Storage(containers.StorageDriverName);
        foreach (var id in leftLayers)
        {
            try
            {
                LayerWorkspace.Remove(storage, Journal, id);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not remove the build layer {Id} left by a previous daemon", id);
            }
        }
        if (Directory.Exists(TemporaryFolder))
        {
            Directory.Delete(TemporaryFolder, recursive: true);
        }
    }

    /// <summary>
    /// Reads and parses the Dockerfile and checks the tags; failures here happen before any output, so the API can
    /// still answer them with an HTTP error status.
    /// </summary>
    public (DockerfileDocument Document, BuildPlan Plan, IReadOnlyList<ImageReference> Tags) Prepare(BuildContext context, BuildOptions options)
    {
        var tags = options.Tags.Select(tag =>
        {
            var reference = ImageReference.Parse(tag).WithDefaultTag();
            return reference.Digest is null ? reference : throw DriverException.InvalidArgument($"invalid reference format: {tag}");
        }).ToList();
        var document = DockerfileParser.Parse(context.ReadDockerfile(options.Dockerfile));
        return (document, BuildPlan.Create(document, options), tags);
    }

    /// <summary>Runs a prepared build, streaming its output; returns the image id.</summary>
    public async Task<string> BuildAsync(BuildContext context, BuildOptions options, DockerfileDocument document, BuildPlan plan,
        IReadOnlyList<ImageReference> tags, BuildOutput output, CancellationToken cancellationToken)
    {
        var run = new BuildRun(this, context, options, document.Escape, plan, output);
        var imageId = await run.ExecuteAsync(cancellationToken);
        if (run.UnusedArgs() is { Count: > 0 } unused)
        {
            await output.StepAsync($"[Warning] One or more build-args [{string.Join(' ', unused)}] were not consumed\n");
        }
        await output.AuxIdAsync(imageId);
        await output.StepAsync($"Successfully built {ShortId(imageId)}\n");
        foreach (var tag in tags)
        {
            containers.Images.Tag(imageId, tag.ToString());
            await output.StepAsync($"Successfully tagged {tag.Familiar}\n");
        }
        if (output.Quiet)
        {
            await output.AlwaysAsync(imageId + "\n");
        }
        return imageId;
    }

    public static string ShortId(string imageId) =>
        (imageId.StartsWith(Sha256Digest.Prefix, StringComparison.Ordinal) ? imageId[Sha256Digest.Prefix.Length..] : imageId)[..12];
}
