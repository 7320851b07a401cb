using Modular.Kernel.Build.Dockerfile;
using Modular.Sdk;

namespace Modular.Kernel.Build;

/// <summary>One FROM and the instructions up to the next.</summary>
public sealed record BuildStage(int Index, FromInstruction From, IReadOnlyList<Instruction> Steps);

/// <summary>
/// The stages of a Dockerfile and which of them the build needs: the target (the last stage unless <c>--target</c>)
/// and, transitively, the stages it names in FROM or <c>COPY --from</c>. Unused stages are skipped, and not counted in
/// "Step N/M". <c>--label</c> values become a LABEL step at the end of the target stage, as the classic builder does.
/// </summary>
public sealed class BuildPlan
{
    private BuildPlan(IReadOnlyList<ArgInstruction> metaArgs, IReadOnlyList<BuildStage> stages, BuildStage target, IReadOnlySet<int> needed)
    {
        MetaArgs = metaArgs;
        Stages = stages;
        Target = target;
        Needed = needed;
    }

    public IReadOnlyList<ArgInstruction> MetaArgs { get; }

    public IReadOnlyList<BuildStage> Stages { get; }

    public BuildStage Target { get; }

    public IReadOnlySet<int> Needed { get; }

    public int TotalSteps => Stages.Where(stage => Needed.Contains(stage.Index)).Sum(stage => 1 + stage.Steps.Count);

    public static BuildPlan Create(DockerfileDocument document, BuildOptions options)
    {
        var metaArgs = new List<ArgInstruction>();
        var stages = new List<BuildStage>();
        FromInstruction? from = null;
        var steps = new List<Instruction>();
        foreach (var instruction in document.Instructions)
        {
            if (instruction is FromInstruction next)
            {
                if (from is not null)
                {
                    stages.Add(new BuildStage(stages.Count, from, steps));
                }
                from = next;
                steps = [];
            }
            else if (from is null)
            {
                if (instruction is not ArgInstruction arg)
                {
                    throw DockerfileException.OnLine(instruction.Line, "no build stage in current context");
                }
                metaArgs.Add(arg);
            }
            else
            {
                steps.Add(instruction);
            }
        }
        if (from is null)
        {
            throw new DockerfileException("No image was generated. Is your Dockerfile empty?");
        }
        stages.Add(new BuildStage(stages.Count, from, steps));

        var target = stages[^1];
        if (!string.IsNullOrEmpty(options.Target))
        {
            target = stages.FirstOrDefault(stage => string.Equals(stage.From.StageName, options.Target, StringComparison.OrdinalIgnoreCase))
                ?? throw DriverException.InvalidArgument($"failed to reach build target {options.Target} in Dockerfile");
        }
        if (options.Labels.Count > 0)
        {
            var text = "LABEL " + string.Join(' ', options.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => $"{GoFormat.Quote(l.Key)}={GoFormat.Quote(l.Value)}"));
            var labels = new LabelInstruction(text, 0, options.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => new KeyValue(Literal(l.Key), Literal(l.Value))).ToList());
            target = target with { Steps = [.. target.Steps, labels] };
            stages[target.Index] = target;
        }
        stages.RemoveRange(target.Index + 1, stages.Count - target.Index - 1);
        return new BuildPlan(metaArgs, stages, target, NeededStages(stages, target));
    }

    /// <summary>The index of the stage <paramref name="reference"/> names among the first <paramref name="before"/> stages (name or number), or null.</summary>
    public int? StageIndex(string reference, int before)
    {
        if (int.TryParse(reference, out var number) && number >= 0 && number < before)
        {
            return number;
        }
        for (var i = before - 1; i >= 0; i--)
        {
            if (string.Equals(Stages[i].From.StageName, reference, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return null;
    }

    private static HashSet<int> NeededStages(List<BuildStage> stages, BuildStage target)
    {
        var needed = new HashSet<int>();
        var pending = new Stack<int>([target.Index]);
        while (pending.Count > 0)
        {
            var index = pending.Pop();
            if (!needed.Add(index))
            {
                continue;
            }
            var stage = stages[index];
            var references = stage.Steps.OfType<CopyInstruction>().Select(copy => copy.From).OfType<string>()
                .Append(stage.From.Image);
            foreach (var reference in references)
            {
                var earlier = int.TryParse(reference, out var number) && number < index
                    ? number
                    : stages.Take(index).LastOrDefault(s => string.Equals(s.From.StageName, reference, StringComparison.OrdinalIgnoreCase))?.Index;
                if (earlier is { } found)
                {
                    pending.Push(found);
                }
            }
        }
        return needed;
    }

    // --label values are literal: protect them from the LABEL step's variable expansion and quote removal.
    private static string Literal(string text) => "'" + text.Replace("'", "'\"'\"'") + "'";
}
