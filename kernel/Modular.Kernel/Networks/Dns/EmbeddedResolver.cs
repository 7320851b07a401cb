using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Modular.Kernel.Networks.EtcFiles;

namespace Modular.Kernel.Networks.Dns;

/// <summary>
/// Answers one DNS message for one container, as dockerd's embedded resolver does: A, AAAA and PTR questions about
/// the engine's own names (containers, aliases, short ids on the container's user-defined networks) from the
/// <see cref="INameDirectory"/>, everything else forwarded to the container's upstream nameservers.
/// </summary>
public sealed class EmbeddedResolver(INameDirectory directory, DnsForwarder forwarder, ILogger logger)
{
    /// <summary>dockerd's TTL for the names it answers itself.</summary>
    public const uint AnswerTimeToLive = 600;

    /// <summary>The response to <paramref name="message"/>, or null when nothing should be sent back (not a query).</summary>
    public async Task<byte[]?> AnswerAsync(string containerId, string? sandboxPath, IReadOnlyList<ExternalNameServer> upstreams,
        byte[] message, bool overTcp, CancellationToken cancellationToken)
    {
        var query = DnsMessage.ReadQuery(message);
        if (query is null)
        {
            return message.Length >= 2 && message.Length >= DnsMessage.HeaderLength
                ? DnsMessage.WriteError(DnsMessage.ReadId(message), DnsResponseCode.FormatError)
                : null;
        }
        var local = AnswerLocally(containerId, query);
        if (local is not null)
        {
            return local;
        }
        if (upstreams.Count == 0)
        {
            return DnsMessage.WriteResponse(query, DnsResponseCode.ServerFailure, []);
        }
        var forwarded = await forwarder.ForwardAsync(message, upstreams, sandboxPath, overTcp, cancellationToken);
        if (forwarded is null)
        {
            logger.LogDebug("No upstream of {Container} answered {Name}", containerId[..12], query.Question.Name);
            return DnsMessage.WriteResponse(query, DnsResponseCode.ServerFailure, []);
        }
        return forwarded;
    }

    private byte[]? AnswerLocally(string containerId, DnsQuery query)
    {
        var question = query.Question;
        switch ((DnsType)question.Type)
        {
            case DnsType.A or DnsType.Aaaa:
                var family = question.Type == (ushort)DnsType.A ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                var addresses = directory.Lookup(containerId, question.Name, family);
                if (addresses is null)
                {
                    return null;
                }
                // Several containers behind one alias: a different order each time spreads the load, as dockerd does.
                var answers = addresses.OrderBy(_ => Random.Shared.Next())
                    .Select(a => new DnsAnswer((DnsType)question.Type, AnswerTimeToLive, a))
                    .ToList();
                return DnsMessage.WriteResponse(query, DnsResponseCode.NoError, answers);
            case DnsType.Ptr:
                var address = ReverseName.Parse(question.Name);
                var name = address is null ? null : directory.ReverseLookup(containerId, address);
                return name is null
                    ? null
                    : DnsMessage.WriteResponse(query, DnsResponseCode.NoError, [new DnsAnswer(DnsType.Ptr, AnswerTimeToLive, Target: name)]);
            default:
                return null;
        }
    }
}
