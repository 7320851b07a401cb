using System.Text.Json;
using System.Text.Json.Nodes;
using Modular.Api.Json;
using Modular.Api.Models;
using Xunit;

namespace Modular.Cli.Tests.Api;

/// <summary>
/// Fixtures are real answers captured from dockerd 20.10 (API 1.41) on this machine. Our types model API 1.51, so a
/// round trip may add the newer fields; it must never drop or change one the daemon sent.
/// </summary>
public sealed class WireJsonTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    private static void AssertRoundTrips<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        var model = JsonSerializer.Deserialize(json, typeInfo)!;
        var written = JsonSerializer.Serialize(model, typeInfo);
        AssertPreserved(JsonNode.Parse(json), JsonNode.Parse(written), "$");
    }

    private static void AssertPreserved(JsonNode? original, JsonNode? written, string path)
    {
        if (original is JsonObject originalObject && written is JsonObject writtenObject)
        {
            foreach (var (name, value) in originalObject)
            {
                Assert.True(writtenObject.ContainsKey(name), $"{path}.{name} was dropped");
                AssertPreserved(value, writtenObject[name], $"{path}.{name}");
            }
            return;
        }
        if (original is JsonArray originalArray && written is JsonArray writtenArray)
        {
            Assert.Equal(originalArray.Count, writtenArray.Count);
            for (var i = 0; i < originalArray.Count; i++)
                AssertPreserved(originalArray[i], writtenArray[i], $"{path}[{i}]");
            return;
        }
        Assert.True(JsonNode.DeepEquals(original, written), $"{path} changed from {original?.ToJsonString()} to {written?.ToJsonString()}");
    }

    [Fact]
    public void Container_inspect_round_trips_without_loss()
    {
        var json = Fixture("container-inspect.json");
        AssertRoundTrips(json, ApiJson.Default.ContainerInspect);

        var inspect = JsonSerializer.Deserialize(json, ApiJson.Default.ContainerInspect)!;
        Assert.Equal("/insp", inspect.Name);
        Assert.Equal("exited", inspect.State!.Status);
        Assert.Equal(["hi"], inspect.Args);
        Assert.Equal("json-file", inspect.HostConfig!.LogConfig.Type);
        Assert.Equal(67108864, inspect.HostConfig.ShmSize);
        Assert.Equal("y", inspect.Config!.Labels!["x"]);
        Assert.Equal(["echo", "hi"], inspect.Config.Cmd);
    }

    [Fact]
    public void Image_inspect_info_and_networks_round_trip()
    {
        AssertRoundTrips(Fixture("image-inspect.json"), ApiJson.Default.ImageInspect);
        AssertRoundTrips(Fixture("info.json"), ApiJson.Default.SystemInfo);
        AssertRoundTrips(Fixture("networks.json"), ApiJson.Default.ListNetworkSummary);
    }

    [Fact]
    public void Create_request_flattens_config_beside_host_config()
    {
        var request = new ContainerCreateRequest
        {
            Image = "busybox",
            Cmd = ["echo", "hi"],
            HostConfig = new HostConfig { AutoRemove = true, Memory = 1024 },
        };

        var json = JsonNode.Parse(JsonSerializer.Serialize(request, ApiJson.Default.ContainerCreateRequest))!;

        Assert.Equal("busybox", (string?)json["Image"]);
        Assert.True((bool?)json["HostConfig"]!["AutoRemove"]);
        Assert.Equal(1024, (long?)json["HostConfig"]!["Memory"]);
        Assert.False(json.AsObject().ContainsKey("Healthcheck"));
        Assert.False(json["HostConfig"]!.AsObject().ContainsKey("Init"));
    }

    [Fact]
    public void Cmd_accepts_a_single_string()
    {
        var config = JsonSerializer.Deserialize("""{"Cmd":"echo hi","Entrypoint":null}""", ApiJson.Default.ContainerConfig)!;
        Assert.Equal(["echo hi"], config.Cmd);
        Assert.Null(config.Entrypoint);
    }

    [Fact]
    public void Progress_message_reports_either_error_field()
    {
        var detail = JsonSerializer.Deserialize("""{"errorDetail":{"message":"bad tar"},"error":"bad tar"}""", ApiJson.Default.ProgressMessage)!;
        var legacy = JsonSerializer.Deserialize("""{"error":"old style"}""", ApiJson.Default.ProgressMessage)!;
        var ok = JsonSerializer.Deserialize("""{"status":"sha256:abc","aux":{"ID":"x"}}""", ApiJson.Default.ProgressMessage)!;

        Assert.Equal("bad tar", detail.FailureMessage);
        Assert.Equal("old style", legacy.FailureMessage);
        Assert.Null(ok.FailureMessage);
        Assert.Equal("x", ok.Aux!.Value.GetProperty("ID").GetString());
    }
}
