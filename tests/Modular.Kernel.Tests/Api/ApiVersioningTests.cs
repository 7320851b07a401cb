using Microsoft.AspNetCore.Http;
using Modular.Kernel.Api;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Api;

public sealed class ApiVersioningTests
{
    private static HttpContext Request(string path) => new DefaultHttpContext { Request = { Path = path } };

    [Theory]
    [InlineData("/v1.50/containers/json", 1, 50, "/containers/json")]
    [InlineData("/v1.51/containers/abc/logs", 1, 51, "/containers/abc/logs")]
    [InlineData("/v1.24/version", 1, 24, "/version")]
    [InlineData("/v1.44", 1, 44, "/")]
    public void A_supported_prefix_is_stripped_and_its_version_returned(string path, int major, int minor, string rest)
    {
        var context = Request(path);

        var version = ApiVersioning.Negotiate(context);

        Assert.Equal(new Version(major, minor), version);
        Assert.Equal(rest, context.Request.Path.Value);
    }

    [Theory]
    [InlineData("/_ping")]
    [InlineData("/containers/json")]
    [InlineData("/version1.50/x")]
    [InlineData("/v1/containers")]
    public void Without_a_prefix_the_current_version_is_spoken_and_the_path_is_kept(string path)
    {
        var context = Request(path);

        Assert.Equal(ApiVersioning.Current, ApiVersioning.Negotiate(context));
        Assert.Equal(path, context.Request.Path.Value);
    }

    [Fact]
    public void A_version_below_the_minimum_is_too_old()
    {
        var error = Assert.Throws<DriverException>(() => ApiVersioning.Negotiate(Request("/v1.12/containers/json")));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(400, ApiErrors.StatusOf(error.Kind));
        Assert.Equal(
            "client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version",
            error.Message);
    }

    [Fact]
    public void A_version_above_the_current_one_is_too_new()
    {
        var error = Assert.Throws<DriverException>(() => ApiVersioning.Negotiate(Request("/v1.99/containers/json")));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("client version 1.99 is too new. Maximum supported API version is 1.51", error.Message);
    }

    [Fact]
    public void Minor_versions_compare_as_numbers_not_text()
    {
        Assert.Throws<DriverException>(() => ApiVersioning.Negotiate(Request("/v1.100/info")));
        Assert.Throws<DriverException>(() => ApiVersioning.Negotiate(Request("/v2.0/info")));
        Assert.Throws<DriverException>(() => ApiVersioning.Negotiate(Request("/v1.9/info")));
    }

    [Fact]
    public void The_negotiated_version_is_read_back_from_the_request_items()
    {
        var context = Request("/info");
        Assert.Equal(ApiVersioning.Current, ApiVersioning.Of(context));

        context.Items[ApiVersioning.ItemKey] = new Version(1, 41);

        Assert.Equal(new Version(1, 41), ApiVersioning.Of(context));
    }

    [Fact]
    public void Every_response_advertises_the_current_version_and_linux()
    {
        var context = new DefaultHttpContext();

        ApiVersioning.WriteHeaders(context.Response);

        Assert.Equal("1.51", context.Response.Headers["Api-Version"]);
        Assert.Equal("linux", context.Response.Headers["Ostype"]);
        Assert.StartsWith("Modular/", context.Response.Headers["Server"].ToString());
        Assert.EndsWith(" (linux)", context.Response.Headers["Server"].ToString());
        Assert.Equal("false", context.Response.Headers["Docker-Experimental"]);
    }
}
