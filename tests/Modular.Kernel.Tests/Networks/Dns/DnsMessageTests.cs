using System.Net;
using Modular.Kernel.Networks.Dns;
using Xunit;

namespace Modular.Kernel.Tests.Networks.Dns;

public sealed class DnsMessageTests
{
    [Fact]
    public void A_query_round_trips_with_its_id_flags_and_lower_cased_name()
    {
        var bytes = DnsMessage.WriteQuery(0xBEEF, "Web.Example.", DnsType.Aaaa);

        var query = DnsMessage.ReadQuery(bytes);

        Assert.NotNull(query);
        Assert.Equal(0xBEEF, query.Id);
        Assert.True(query.RecursionDesired);
        Assert.Equal(new DnsQuestion("web.example", (ushort)DnsType.Aaaa, 1), query.Question);
    }

    [Fact]
    public void A_response_carries_the_question_and_every_answer()
    {
        var query = DnsMessage.ReadQuery(DnsMessage.WriteQuery(7, "db", DnsType.A))!;

        var response = DnsMessage.WriteResponse(query, DnsResponseCode.NoError,
            [new DnsAnswer(DnsType.A, 600, IPAddress.Parse("172.18.0.2")), new DnsAnswer(DnsType.A, 600, IPAddress.Parse("172.18.0.3"))]);
        var (code, answers) = DnsMessage.ReadResponse(response);

        Assert.Equal(7, DnsMessage.ReadId(response));
        Assert.Equal(DnsResponseCode.NoError, code);
        Assert.Equal([IPAddress.Parse("172.18.0.2"), IPAddress.Parse("172.18.0.3")], answers.Select(a => a.Address));
        Assert.All(answers, a => Assert.Equal(600u, a.TimeToLive));
        Assert.Null(DnsMessage.ReadQuery(response));
    }

    [Fact]
    public void Ptr_and_aaaa_answers_encode_their_data()
    {
        var query = DnsMessage.ReadQuery(DnsMessage.WriteQuery(9, "2.0.18.172.in-addr.arpa", DnsType.Ptr))!;

        var (_, ptr) = DnsMessage.ReadResponse(DnsMessage.WriteResponse(query, DnsResponseCode.NoError,
            [new DnsAnswer(DnsType.Ptr, 600, Target: "web.app")]));
        var (_, aaaa) = DnsMessage.ReadResponse(DnsMessage.WriteResponse(query, DnsResponseCode.NoError,
            [new DnsAnswer(DnsType.Aaaa, 600, IPAddress.Parse("fd00::7"))]));

        Assert.Equal("web.app", ptr.Single().Target);
        Assert.Equal(IPAddress.Parse("fd00::7"), aaaa.Single().Address);
    }

    [Fact]
    public void Compressed_names_are_followed_and_pointer_loops_are_refused()
    {
        // Header, then "example" at offset 12, then a question "www" + pointer to offset 12.
        byte[] header = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        byte[] body = [7, .. "example"u8, 0, 3, .. "www"u8, 0xC0, 12, 0, 1, 0, 1];
        var message = header.Concat(body).ToArray();
        var offset = 12 + 9;

        var name = DnsMessage.ReadName(message, ref offset);
        byte[] loop = [.. header, 0xC0, 12, 0, 1, 0, 1];

        Assert.Equal("www.example", name);
        Assert.Equal(message.Length - 4, offset);
        Assert.Null(DnsMessage.ReadQuery(loop));
    }

    [Theory]
    [InlineData(new byte[] { 0, 1 })]
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 97 })]
    [InlineData(new byte[] { 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void Truncated_or_empty_messages_are_not_queries(byte[] message) =>
        Assert.Null(DnsMessage.ReadQuery(message));

    [Fact]
    public void An_error_response_keeps_the_id_and_sets_the_code()
    {
        var (code, answers) = DnsMessage.ReadResponse(DnsMessage.WriteError(0x1234, DnsResponseCode.FormatError));

        Assert.Equal(DnsResponseCode.FormatError, code);
        Assert.Empty(answers);
    }

    [Theory]
    [InlineData("172.18.0.2", "2.0.18.172.in-addr.arpa")]
    [InlineData("fd00::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa")]
    public void Reverse_names_map_to_addresses_and_back(string address, string name)
    {
        Assert.Equal(IPAddress.Parse(address), ReverseName.Parse(name + "."));
        Assert.Equal(name, ReverseName.Of(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("0.18.172.in-addr.arpa")]
    [InlineData("300.0.18.172.in-addr.arpa")]
    [InlineData("example.com")]
    public void Partial_or_foreign_reverse_names_have_no_address(string name) =>
        Assert.Null(ReverseName.Parse(name));
}
