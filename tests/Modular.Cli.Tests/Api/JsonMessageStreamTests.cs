using Modular.Api.Client;
using Modular.Api.Json;
using Xunit;

namespace Modular.Cli.Tests.Api;

public sealed class JsonMessageStreamTests
{
    [Fact]
    public async Task Reads_concatenated_objects_with_or_without_newlines_across_split_reads()
    {
        var wire = System.Text.Encoding.UTF8.GetBytes(
            "{\"status\":\"one\"}{\"status\":\"two\",\"id\":\"x\"}\n  {\"stream\":\"Loaded image: a:b\\n\"}   {\"status\":\"{not a brace}\"}\n");

        var messages = new List<string?>();
        await foreach (var message in JsonMessageStream.ReadAllAsync(new StdStreamFramesTests.TrickleStream(wire, 5), ApiJson.Default.ProgressMessage, TestContext.Current.CancellationToken))
            messages.Add(message.Status ?? message.Stream);

        Assert.Equal(["one", "two", "Loaded image: a:b\n", "{not a brace}"], messages);
    }

    [Fact]
    public async Task Truncated_stream_is_an_error()
    {
        var wire = """{"status":"one"}{"status":"tw"""u8.ToArray();
        await Assert.ThrowsAnyAsync<System.Text.Json.JsonException>(async () =>
        {
            await foreach (var _ in JsonMessageStream.ReadAllAsync(new MemoryStream(wire), ApiJson.Default.ProgressMessage, TestContext.Current.CancellationToken))
            {
            }
        });
    }
}
