namespace Modular.Api.Json;

/// <summary>
/// Docker's <c>struct{}</c>: the value type of set-like maps such as <c>ExposedPorts</c> and <c>Volumes</c>,
/// which serialize as <c>{"80/tcp": {}}</c>.
/// </summary>
public sealed class EmptyObject
{
    public static readonly EmptyObject Instance = new();
}
