using System.Text.Json;
using Modular.Kernel.Build.Dockerfile;
using Modular.Kernel.Images;
using Modular.Sdk;

namespace Modular.Kernel.Build;

/// <summary>One build in progress: the stages' results, the build args, the step counter and the dispatch of each instruction.</summary>
internal sealed partial class BuildRun
{
    private readonly DockerfileBuilder _builder;
    private readonly BuildContext _context;
    private readonly BuildOptions _options;
    private readonly char _escape;
    private readonly BuildPlan _plan;
    private readonly BuildOutput _output;
    private readonly BuildArgs _args;
    private readonly Dictionary<int, string?> _stageImages = new();
    private int _step;

    public BuildRun(DockerfileBuilder builder, BuildContext context, BuildOptions options, char escape, BuildPlan plan, BuildOutput output)
    {
        _builder = builder;
        _context = context;
        _options = options;
        _escape = escape;
        _plan = plan;
        _output = output;
        _args = new BuildArgs(options.BuildArgs);
    }

    private ImageService Images => _builder.Containers.Images;

    public IReadOnlyList<string> UnusedArgs() => _args.Unused();

    public async Task<string> ExecuteAsync(CancellationToken cancellationToken)
    {
        foreach (var arg in _plan.MetaArgs)
        {
            foreach (var pair in arg.Arguments)
            {
                var expander = new VariableExpander(_escape, _args.MetaValue);
                _args.DeclareMeta(pair.Key, pair.Value is null ? null : expander.ProcessWord(pair.Value));
            }
        }
        string? result = null;
        foreach (var stage in _plan.Stages.Where(stage => _plan.Needed.Contains(stage.Index)))
        {
            var state = await FromAsync(stage, cancellationToken);
            foreach (var instruction in stage.Steps)
            {
                await StepHeaderAsync(instruction);
                await DispatchAsync(state, instruction, cancellationToken);
            }
            _stageImages[stage.Index] = state.ImageId;
            result = state.ImageId;
        }
        return result ?? throw DriverException.InvalidArgument("No image was generated. Is your Dockerfile empty?");
    }

    private Task StepHeaderAsync(Instruction instruction) =>
        _output.StepAsync($"Step {++_step}/{_plan.TotalSteps} : {instruction.Original}\n");

    private async Task<StageState> FromAsync(BuildStage stage, CancellationToken cancellationToken)
    {
        await StepHeaderAsync(stage.From);
        var state = new StageState(stage.Index, stage.From.StageName);
        var name = new VariableExpander(_escape, _args.MetaValue).ProcessWord(stage.From.Image);
        if (name.Length == 0)
        {
            throw DriverException.InvalidArgument($"base name ({stage.From.Image}) should not be blank");
        }
        if (name.Equals("scratch", StringComparison.OrdinalIgnoreCase))
        {
            return state;
        }
        if (_plan.StageIndex(name, stage.Index) is { } earlier)
        {
            state.ImageId = _stageImages[earlier];
            state.Config = state.ImageId is null ? new ImageExecutionConfig() : Images.Inspect(state.ImageId).Config;
        }
        else
        {
            var image = await BaseImageAsync(name, cancellationToken);
            state.ImageId = image.Id;
            state.Config = image.Config;
        }
        if (state.ImageId is not null)
        {
            await _output.StepAsync($" ---> {DockerfileBuilder.ShortId(state.ImageId)}\n");
        }
        if (state.Config.OnBuild is { Count: > 0 } triggers)
        {
            state.Config = state.Config with { OnBuild = null };
            await _output.StepAsync($"# Executing {triggers.Count} build trigger{(triggers.Count == 1 ? "" : "s")}\n");
            foreach (var trigger in triggers)
            {
                await DispatchAsync(state, DockerfileParser.ParseTrigger(trigger, _escape, stage.From.Line), cancellationToken);
            }
        }
        return state;
    }

    /// <summary>A base image from the local store, pulled first when it is missing or <c>--pull</c> asks for a fresh copy.</summary>
    private async Task<ImageRecord> BaseImageAsync(string name, CancellationToken cancellationToken)
    {
        if (!_options.Pull)
        {
            try
            {
                return Images.Inspect(name);
            }
            catch (DriverException e) when (e.Kind == DriverErrorKind.NotFound)
            {
            }
        }
        await _builder.Puller.PullAsync(name, _options.Platform, _options.RegistryAuth, _output.StepAsync, cancellationToken);
        return Images.Inspect(name);
    }

    private Task DispatchAsync(StageState state, Instruction instruction, CancellationToken cancellationToken)
    {
        var expander = new VariableExpander(_escape, state.Lookup);
        switch (instruction)
        {
            case RunInstruction run:
                return RunAsync(state, run, cancellationToken);
            case CopyInstruction copy:
                return CopyAsync(state, copy, expander, cancellationToken);
            case ValueInstruction { Keyword: "WORKDIR" } workdir:
                return WorkdirAsync(state, expander.ProcessWord(workdir.Value), cancellationToken);
            default:
                var (config, comment) = MetadataChange(state, instruction, expander);
                return CommitMetadataAsync(state, config, comment, cancellationToken);
        }
    }

    /// <summary>Commits a step that only changes the config: no container, an empty_layer history entry.</summary>
    private async Task CommitMetadataAsync(StageState state, ImageExecutionConfig config, string comment, CancellationToken cancellationToken)
    {
        var createdBy = NopCommand(state, comment, singleArgument: false);
        if (!await TryCacheAsync(state, config, createdBy))
        {
            await CommitNewAsync(state, config, createdBy, layerId: null, cancellationToken);
        }
    }

    /// <summary>The classic builder's history text of a step that runs nothing: the shell, then "#(nop)".</summary>
    private static string NopCommand(StageState state, string comment, bool singleArgument) =>
        string.Join(' ', state.Shell) + (singleArgument ? " #(nop) " : " #(nop)  ") + comment;

    /// <summary>Moves the stage to the cached result of the step, announced as Docker does; false on a miss or with --no-cache.</summary>
    private async Task<bool> TryCacheAsync(StageState state, ImageExecutionConfig config, string createdBy)
    {
        if (_options.NoCache)
        {
            return false;
        }
        var hit = _builder.Cache.Find(CacheKey(state, createdBy, config), Exists);
        if (hit is null)
        {
            return false;
        }
        await _output.StepAsync(" ---> Using cache\n");
        await MoveToAsync(state, hit, config);
        return true;
    }

    private bool Exists(string imageId)
    {
        try
        {
            Images.Resolve(imageId);
            return true;
        }
        catch (DriverException)
        {
            return false;
        }
    }

    private static string CacheKey(StageState state, string createdBy, ImageExecutionConfig config) =>
        BuildCache.Key(state.ImageId, createdBy, JsonSerializer.Serialize(config) + "\n" + state.Author);

    /// <summary>
    /// Commits a new image (with the changes of <paramref name="layerId"/> when given), records it in the cache and moves
    /// the stage on; the new id is printed unless <paramref name="announce"/> is false (RUN prints it after removing its container).
    /// </summary>
    private async Task CommitNewAsync(StageState state, ImageExecutionConfig config, string createdBy, string? layerId,
        CancellationToken cancellationToken, bool announce = true)
    {
        var key = CacheKey(state, createdBy, config);
        var imageId = await Images.CommitAsync(new ImageCommitRequest
        {
            BaseImage = state.ImageId,
            LayerId = layerId,
            Config = config,
            CreatedBy = createdBy,
            Author = state.Author,
        }, cancellationToken);
        _builder.Cache.Add(key, imageId);
        state.ImageId = imageId;
        state.Config = config;
        if (announce)
        {
            await AnnounceAsync(imageId);
        }
    }

    private async Task MoveToAsync(StageState state, string imageId, ImageExecutionConfig config)
    {
        state.ImageId = imageId;
        state.Config = config;
        await AnnounceAsync(imageId);
    }

    private Task AnnounceAsync(string imageId) => _output.StepAsync($" ---> {DockerfileBuilder.ShortId(imageId)}\n");
}
