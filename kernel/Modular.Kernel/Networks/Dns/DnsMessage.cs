using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Modular.Kernel.Networks.Dns;

/// <summary>DNS record types the embedded resolver answers itself.</summary>
public enum DnsType : ushort
{
    A = 1,
    Ptr = 12,
    Aaaa = 28,
}

/// <summary>DNS response codes (RFC 1035 4.1.1).</summary>
public enum DnsResponseCode : byte
{
    NoError = 0,
    FormatError = 1,
    ServerFailure = 2,
    NameError = 3,
    Refused = 5,
}

/// <summary>One question of a query: the name (lower case, without the trailing dot), its type and class.</summary>
public sealed record DnsQuestion(string Name, ushort Type, ushort Class);

/// <summary>A query as the embedded resolver needs it: the id, the flags to echo, and the first question.</summary>
public sealed record DnsQuery(ushort Id, ushort Flags, DnsQuestion Question)
{
    public bool RecursionDesired => (Flags & 0x0100) != 0;
}

/// <summary>An answer record: the A/AAAA address or the PTR target name.</summary>
public sealed record DnsAnswer(DnsType Type, uint TimeToLive, IPAddress? Address = null, string? Target = null);

/// <summary>
/// The small part of the DNS wire format (RFC 1035) the embedded resolver needs: reading a query's header and first
/// question (following compression pointers), and writing a response with A, AAAA or PTR answers. Anything else is
/// forwarded as raw bytes, so it never needs decoding.
/// </summary>
public static class DnsMessage
{
    public const int HeaderLength = 12;
    private const ushort ResponseFlag = 0x8000;
    private const ushort OpcodeMask = 0x7800;
    private const ushort AuthoritativeFlag = 0x0400;
    private const ushort TruncatedFlag = 0x0200;
    private const ushort RecursionDesiredFlag = 0x0100;
    private const ushort RecursionAvailableFlag = 0x0080;
    private const int MaxNameLength = 255;
    private const ushort ClassInternet = 1;

    /// <summary>Reads a query; null when it is not one (a response, no question, or malformed).</summary>
    public static DnsQuery? ReadQuery(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderLength)
        {
            return null;
        }
        var id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        if ((flags & ResponseFlag) != 0 || questions == 0)
        {
            return null;
        }
        var offset = HeaderLength;
        var name = ReadName(message, ref offset);
        if (name is null || offset + 4 > message.Length)
        {
            return null;
        }
        var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        var @class = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
        return new DnsQuery(id, flags, new DnsQuestion(name, type, @class));
    }

    /// <summary>The id of any message (query or response), for matching forwarded answers.</summary>
    public static ushort ReadId(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message);

    /// <summary>Whether the message has the TC bit (the answer did not fit in a UDP datagram).</summary>
    public static bool IsTruncated(ReadOnlySpan<byte> message) =>
        message.Length >= 4 && (BinaryPrimitives.ReadUInt16BigEndian(message[2..]) & TruncatedFlag) != 0;

    /// <summary>
    /// Reads a possibly compressed name starting at <paramref name="offset"/> and moves the offset past it; null when
    /// malformed (pointer loops, labels past the end, over-long names).
    /// </summary>
    public static string? ReadName(ReadOnlySpan<byte> message, ref int offset)
    {
        var name = new StringBuilder();
        var position = offset;
        var jumped = false;
        var jumps = 0;
        while (true)
        {
            if (position >= message.Length)
            {
                return null;
            }
            var length = message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length || ++jumps > 64)
                {
                    return null;
                }
                var target = ((length & 0x3F) << 8) | message[position + 1];
                if (!jumped)
                {
                    offset = position + 2;
                    jumped = true;
                }
                position = target;
                continue;
            }
            if ((length & 0xC0) != 0)
            {
                return null;
            }
            position++;
            if (length == 0)
            {
                break;
            }
            if (position + length > message.Length)
            {
                return null;
            }
            if (name.Length > 0)
            {
                name.Append('.');
            }
            foreach (var b in message.Slice(position, length))
            {
                name.Append(char.ToLowerInvariant((char)b));
            }
            if (name.Length > MaxNameLength)
            {
                return null;
            }
            position += length;
        }
        if (!jumped)
        {
            offset = position;
        }
        return name.ToString();
    }

    /// <summary>
    /// A response to <paramref name="query"/> with its question echoed and the given answers, authoritative (the
    /// names are the engine's own) and with recursion available (other names are forwarded).
    /// </summary>
    public static byte[] WriteResponse(DnsQuery query, DnsResponseCode code, IReadOnlyList<DnsAnswer> answers)
    {
        var output = new List<byte>(512);
        var flags = (ushort)(ResponseFlag | (query.Flags & (OpcodeMask | RecursionDesiredFlag)) | AuthoritativeFlag | RecursionAvailableFlag | (byte)code);
        WriteUInt16(output, query.Id);
        WriteUInt16(output, flags);
        WriteUInt16(output, 1);
        WriteUInt16(output, (ushort)answers.Count);
        WriteUInt16(output, 0);
        WriteUInt16(output, 0);
        WriteName(output, query.Question.Name);
        WriteUInt16(output, query.Question.Type);
        WriteUInt16(output, query.Question.Class);
        foreach (var answer in answers)
        {
            // The answers are all about the question's name: a pointer to it (offset 12) instead of repeating it.
            WriteUInt16(output, 0xC000 | HeaderLength);
            WriteUInt16(output, (ushort)answer.Type);
            WriteUInt16(output, ClassInternet);
            WriteUInt32(output, answer.TimeToLive);
            if (answer.Type == DnsType.Ptr)
            {
                var target = new List<byte>();
                WriteName(target, answer.Target ?? "");
                WriteUInt16(output, (ushort)target.Count);
                output.AddRange(target);
            }
            else
            {
                var bytes = answer.Address!.GetAddressBytes();
                WriteUInt16(output, (ushort)bytes.Length);
                output.AddRange(bytes);
            }
        }
        return output.ToArray();
    }

    /// <summary>A bare error response for a message that could not even be read as a query (only the id is known).</summary>
    public static byte[] WriteError(ushort id, DnsResponseCode code)
    {
        var output = new List<byte>(HeaderLength);
        WriteUInt16(output, id);
        WriteUInt16(output, (ushort)(ResponseFlag | RecursionAvailableFlag | (byte)code));
        for (var i = 0; i < 4; i++)
        {
            WriteUInt16(output, 0);
        }
        return output.ToArray();
    }

    /// <summary>Encodes a query (used by tests and by nothing on the serving path).</summary>
    public static byte[] WriteQuery(ushort id, string name, DnsType type, bool recursionDesired = true)
    {
        var output = new List<byte>(64);
        WriteUInt16(output, id);
        WriteUInt16(output, recursionDesired ? RecursionDesiredFlag : (ushort)0);
        WriteUInt16(output, 1);
        WriteUInt16(output, 0);
        WriteUInt16(output, 0);
        WriteUInt16(output, 0);
        WriteName(output, name);
        WriteUInt16(output, (ushort)type);
        WriteUInt16(output, ClassInternet);
        return output.ToArray();
    }

    /// <summary>Reads the response code and the A/AAAA/PTR answers of a response (used by tests and diagnostics).</summary>
    public static (DnsResponseCode Code, IReadOnlyList<DnsAnswer> Answers) ReadResponse(ReadOnlySpan<byte> message)
    {
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        var questions = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var answerCount = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var offset = HeaderLength;
        for (var i = 0; i < questions; i++)
        {
            _ = ReadName(message, ref offset) ?? throw new FormatException("bad question name");
            offset += 4;
        }
        var answers = new List<DnsAnswer>();
        for (var i = 0; i < answerCount; i++)
        {
            _ = ReadName(message, ref offset) ?? throw new FormatException("bad answer name");
            var type = (DnsType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(offset + 4)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            offset += 10;
            var data = message.Slice(offset, length);
            switch (type)
            {
                case DnsType.A or DnsType.Aaaa:
                    answers.Add(new DnsAnswer(type, ttl, new IPAddress(data)));
                    break;
                case DnsType.Ptr:
                    var nameOffset = offset;
                    answers.Add(new DnsAnswer(type, ttl, Target: ReadName(message, ref nameOffset)));
                    break;
            }
            offset += length;
        }
        return ((DnsResponseCode)(flags & 0x000F), answers);
    }

    private static void WriteName(List<byte> output, string name)
    {
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            if (bytes.Length > 63)
            {
                throw new FormatException($"DNS label longer than 63 bytes: {label}");
            }
            output.Add((byte)bytes.Length);
            output.AddRange(bytes);
        }
        output.Add(0);
    }

    private static void WriteUInt16(List<byte> output, int value)
    {
        output.Add((byte)(value >> 8));
        output.Add((byte)value);
    }

    private static void WriteUInt32(List<byte> output, uint value)
    {
        WriteUInt16(output, (int)(value >> 16));
        WriteUInt16(output, (int)(value & 0xFFFF));
    }
}
