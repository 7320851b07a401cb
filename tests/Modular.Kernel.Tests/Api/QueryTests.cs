using Microsoft.AspNetCore.Http;
using Modular.Kernel.Api;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Api;

public sealed class QueryTests
{
    private static HttpContext With(string query) => new DefaultHttpContext { Request = { QueryString = new QueryString(query) } };

    [Theory]
    [InlineData("?all=1", true)]
    [InlineData("?all=true", true)]
    [InlineData("?all=True", true)]
    [InlineData("?all=TRUE", true)]
    [InlineData("?all=0", false)]
    [InlineData("?all=false", false)]
    [InlineData("?all=False", false)]
    [InlineData("?all=0&all=1", true)]
    public void Booleans_in_the_forms_docker_clients_send(string query, bool expected) =>
        Assert.Equal(expected, Query.Bool(With(query), "all"));

    [Theory]
    [InlineData("", false)]
    [InlineData("", true)]
    [InlineData("?other=1", true)]
    public void An_absent_boolean_is_the_fallback(string query, bool fallback) =>
        Assert.Equal(fallback, Query.Bool(With(query), "all", fallback));

    [Theory]
    [InlineData("?all=no", false)]
    [InlineData("?all=none", false)]
    [InlineData("?all=No", false)]
    [InlineData("?all=yes", true)]
    [InlineData("?all=on", true)]
    public void Booleans_follow_dockers_lenient_rule(string query, bool expected) =>
        // moby httputils.BoolValue: "", "0", "no", "false", "none" (any case, trimmed) are false; anything else is true.
        Assert.Equal(expected, Query.Bool(With(query), "all"));

    [Fact]
    public void Integers_are_parsed_and_garbage_is_a_bad_request()
    {
        Assert.Equal(5, Query.Int(With("?t=5"), "t"));
        Assert.Equal(-1, Query.Int(With("?t=-1"), "t"));
        Assert.Null(Query.Int(With("?t="), "t"));
        Assert.Null(Query.Int(With(""), "t"));

        var error = Assert.Throws<DriverException>(() => Query.Int(With("?t=ten"), "t"));
        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("invalid value for t: ten", error.Message);
    }

    [Fact]
    public void The_last_of_repeated_values_wins() =>
        Assert.Equal("b", Query.String(With("?name=a&name=b"), "name"));

    [Theory]
    [InlineData("?since=1700000000", 0)]
    [InlineData("?since=1700000000.5", 5_000_000)]
    [InlineData("?since=1700000000.250000000", 2_500_000)]
    [InlineData("?since=1700000000.000000100", 1)]
    public void Unix_times_take_seconds_with_an_optional_fraction(string query, long extraTicks)
    {
        var expected = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddTicks(extraTicks);

        Assert.Equal(expected, Query.UnixTime(With(query), "since"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?since=")]
    [InlineData("?since=0")]
    public void A_zero_or_absent_time_means_none(string query) =>
        Assert.Null(Query.UnixTime(With(query), "since"));

    [Fact]
    public void A_time_that_is_not_a_number_is_a_bad_request()
    {
        var error = Assert.Throws<DriverException>(() => Query.UnixTime(With("?until=yesterday"), "until"));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("invalid value for until: yesterday", error.Message);
    }
}
