namespace Modular.Kernel.Events;

/// <summary>One event as /events reports it: what kind of object, what happened, to whom, when.</summary>
public sealed record EngineEvent(
    string Type,
    string Action,
    string ActorId,
    IReadOnlyDictionary<string, string> Attributes,
    DateTimeOffset Time);
