using Modular.Kernel.Configuration;
using Modular.Kernel.Tests.Containers;
using Xunit;

namespace Modular.Kernel.Tests.Configuration;

public sealed class DaemonConfigLoaderTests : IDisposable
{
    private static readonly Dictionary<string, object> NoFlags = [];
    private readonly TempFolder _folder = new("daemonjson");

    public void Dispose() => _folder.Dispose();

    private string Prefix => $"unable to configure the Modular daemon with file {File}: ";

    private string File => _folder.Combine("daemon.json");

    private DaemonConfig Load(string json, Dictionary<string, object>? flags = null)
    {
        _folder.Write("daemon.json", json);
        return DaemonConfigLoader.Load(File, flags ?? NoFlags);
    }

    private string Refusal(string json, Dictionary<string, object>? flags = null) =>
        Assert.Throws<ConfigurationException>(() => Load(json, flags)).Message;

    [Fact]
    public void An_empty_file_gives_the_defaults()
    {
        var config = Load("{}");

        Assert.Equal(["unix:///run/modular.sock"], config.Hosts);
        Assert.Equal("/var/lib/modular", config.DataRoot);
        Assert.Equal("/run/modular", config.ExecRoot);
        Assert.Equal("json-file", config.LogDriver);
        Assert.Equal("info", config.LogLevel);
        Assert.Equal("runc", config.DefaultRuntime);
        Assert.False(config.Debug);
        Assert.Empty(config.InertKeys);
        Assert.Equal(["crun", "runc"], config.AllRuntimes.Keys.Order());
    }

    [Fact]
    public void File_and_flags_are_merged()
    {
        var config = Load(
            """
            {
              // dockerd accepts comments too
              "data-root": "/srv/modular",
              "log-opts": { "max-size": "10m" },
              "storage-opts": ["size=1G"],
              "labels": ["env=test"],
              "bip": "172.30.0.1/16",
              "live-restore": true
            }
            """,
            new() { ["debug"] = true, ["hosts"] = new List<string> { "unix:///tmp/m.sock" } });

        Assert.Equal("/srv/modular", config.DataRoot);
        Assert.Equal("10m", config.LogOpts["max-size"]);
        Assert.Equal(["size=1G"], config.StorageOpts);
        Assert.Equal(["env=test"], config.Labels);
        Assert.Equal("172.30.0.1/16", config.Bip);
        Assert.True(config.LiveRestore);
        Assert.True(config.Debug);
        Assert.Equal(["unix:///tmp/m.sock"], config.Hosts);
    }

    [Fact]
    public void An_unknown_key_is_refused_by_name()
    {
        Assert.Equal(
            Prefix + "the following directives don't match any configuration option: bogus-key",
            Refusal("""{ "debug": true, "bogus-key": 1 }"""));
    }

    [Fact]
    public void Several_unknown_keys_are_all_named_in_order()
    {
        Assert.EndsWith(
            "the following directives don't match any configuration option: another, bogus-key",
            Refusal("""{ "bogus-key": 1, "another": 2 }"""));
    }

    [Fact]
    public void A_key_given_both_as_flag_and_in_the_file_is_refused_naming_both_values()
    {
        Assert.Equal(
            Prefix + "the following directives are specified both as a flag and in the configuration file: debug: (from flag: true, from file: false)",
            Refusal("""{ "debug": false }""", new() { ["debug"] = true }));
    }

    [Theory]
    [InlineData("""{ "debug": "yes" }""", "invalid value for \"debug\": expected true or false, got \"yes\"")]
    [InlineData("""{ "log-level": 3 }""", "invalid value for \"log-level\": expected a string, got 3")]
    [InlineData("""{ "hosts": "unix:///x.sock" }""", "invalid value for \"hosts\": expected an array of strings, got \"unix:///x.sock\"")]
    [InlineData("""{ "labels": ["a=b", 1] }""", "invalid value for \"labels\": expected an array of strings, got [\"a=b\", 1]")]
    [InlineData("""{ "log-opts": { "max-file": 3 } }""", "invalid value for \"log-opts\": expected an object of string values, got { \"max-file\": 3 }")]
    [InlineData("""{ "live-restore": 1 }""", "invalid value for \"live-restore\": expected true or false, got 1")]
    public void Values_of_the_wrong_type_are_refused_naming_the_key(string json, string expected) =>
        Assert.Equal(Prefix + expected, Refusal(json));

    [Theory]
    [InlineData("debug")]
    [InlineData("info")]
    [InlineData("warn")]
    [InlineData("error")]
    [InlineData("fatal")]
    public void Known_log_levels_are_accepted(string level) =>
        Assert.Equal(level, Load($$"""{ "log-level": "{{level}}" }""").LogLevel);

    [Fact]
    public void An_unknown_log_level_is_refused() =>
        Assert.Equal("log-level: unable to parse logging level: verbose", Refusal("""{ "log-level": "verbose" }"""));

    [Fact]
    public void Runtimes_from_the_file_are_added_with_their_arguments_and_can_be_the_default()
    {
        var config = Load("""
            {
              "runtimes": { "debug-crun": { "path": "/usr/bin/crun", "runtimeArgs": ["--debug", "--log-level=debug"] } },
              "default-runtime": "debug-crun"
            }
            """);

        var runtime = config.AllRuntimes["debug-crun"];
        Assert.Equal("/usr/bin/crun", runtime.Path);
        Assert.Equal(["--debug", "--log-level=debug"], runtime.RuntimeArgs);
        Assert.Equal("debug-crun", config.DefaultRuntime);
        Assert.Equal(["crun", "debug-crun", "runc"], config.AllRuntimes.Keys.Order());
    }

    [Theory]
    [InlineData("""{ "runtimes": { "x": { "runtimeArgs": [] } } }""", "runtime \"x\" needs a \"path\"")]
    [InlineData("""{ "runtimes": { "x": "/usr/bin/x" } }""", "invalid value for \"runtimes.x\": expected an object with \"path\"")]
    [InlineData("""{ "runtimes": { "x": { "path": "/x", "options": {} } } }""", "invalid value for \"runtimes.x.options\"")]
    [InlineData("""{ "runtimes": [] }""", "invalid value for \"runtimes\": expected an object of runtimes")]
    public void Malformed_runtimes_are_refused(string json, string expected) =>
        Assert.Equal(Prefix + expected, Refusal(json));

    [Fact]
    public void An_unknown_default_runtime_is_refused() =>
        Assert.Equal(
            "default-runtime: no runtime named \"youki\" is configured",
            Refusal("{}", new() { ["default-runtime"] = "youki" }));

    [Theory]
    [InlineData("data-root", "var/lib/modular")]
    [InlineData("exec-root", "./run")]
    public void Relative_roots_are_refused(string key, string value)
    {
        Assert.Equal($"{key}: \"{value}\" must be an absolute path", Refusal("{}", new() { [key] = value }));
        Assert.Equal($"{key}: \"{value}\" must be an absolute path", Refusal($$"""{ "{{key}}": "{{value}}" }"""));
    }

    [Theory]
    [InlineData("tcp://0.0.0.0:2375")]
    [InlineData("unix://")]
    [InlineData("/run/modular.sock")]
    [InlineData("fd://3")]
    public void Hosts_other_than_unix_sockets_and_fd_are_refused(string host) =>
        Assert.StartsWith($"hosts: \"{host}\" is not supported", Refusal("{}", new() { ["hosts"] = new List<string> { host } }));

    [Fact]
    public void No_host_at_all_is_refused() =>
        Assert.Equal("hosts: at least one unix:// socket is needed", Refusal("""{ "hosts": [] }"""));

    [Fact]
    public void Systemd_socket_activation_is_accepted_beside_a_unix_socket()
    {
        var config = Load("""{ "hosts": ["fd://", "unix:///run/extra.sock"] }""");

        Assert.Equal(["fd://", "unix:///run/extra.sock"], config.Hosts);
    }

    [Theory]
    [InlineData("""{ "storage-opts": ["size"] }""", "storage-opts: \"size\" is not of the form key=value")]
    [InlineData("""{ "labels": ["env"] }""", "labels: \"env\" is not of the form key=value")]
    [InlineData("""{ "bip": "172.30.0.1" }""", "bip: \"172.30.0.1\" is not an address in CIDR notation")]
    [InlineData("""{ "bip": "172.30.0.1/33" }""", "bip: \"172.30.0.1/33\" is not an address in CIDR notation")]
    public void Malformed_values_are_refused(string json, string expected) =>
        Assert.Equal(expected, Refusal(json));

    [Fact]
    public void Dockers_other_keys_are_accepted_and_listed_as_inert()
    {
        var config = Load("""{ "iptables": false, "dns": ["8.8.8.8"], "debug": true, "default-ulimits": { "nofile": { "Soft": 1 } } }""");

        Assert.Equal(["default-ulimits", "dns", "iptables"], config.InertKeys);
        Assert.True(config.Debug);
    }

    [Fact]
    public void A_missing_explicit_config_file_is_refused()
    {
        var missing = _folder.Combine("absent.json");

        var error = Assert.Throws<ConfigurationException>(() => DaemonConfigLoader.Load(missing, NoFlags));

        Assert.Equal($"unable to configure the Modular daemon with file {missing}: open {missing}: no such file or directory", error.Message);
    }

    [Theory]
    [InlineData("""{ "debug": """)]
    [InlineData("""{ "debug": true,, }""")]
    [InlineData("not json")]
    public void Malformed_json_is_refused(string json) =>
        Assert.StartsWith(Prefix, Refusal(json));

    [Fact]
    public void A_file_that_is_not_an_object_is_refused() =>
        Assert.Equal(Prefix + "the file must hold a JSON object", Refusal("""["debug"]"""));
}
