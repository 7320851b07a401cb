using System.Text;
using Modular.Kernel.Images.Distribution;
using Xunit;

namespace Modular.Kernel.Tests.Distribution;

public sealed class AuthTests
{
    [Fact]
    public void A_bearer_challenge_gives_realm_service_and_scope()
    {
        var challenge = Assert.Single(AuthChallenge.ParseAll(
            ["Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\""]));

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.docker.io/token", challenge["realm"]);
        Assert.Equal("registry.docker.io", challenge["service"]);
        Assert.Equal("repository:library/busybox:pull", challenge["scope"]);
    }

    [Fact]
    public void Several_challenges_in_one_header_and_escapes_are_understood()
    {
        var challenges = AuthChallenge.ParseAll(["Basic realm=\"a \\\"quoted\\\" realm\", Bearer realm=\"https://t/x\", service=svc"]);

        Assert.Equal(2, challenges.Count);
        Assert.True(challenges[0].IsBasic);
        Assert.Equal("a \"quoted\" realm", challenges[0]["realm"]);
        Assert.True(challenges[1].IsBearer);
        Assert.Equal("svc", challenges[1]["service"]);
    }

    [Fact]
    public void X_registry_auth_is_base64url_json_with_or_without_padding()
    {
        var json = "{\"username\":\"me\",\"password\":\"p+/w?\",\"serveraddress\":\"127.0.0.1:5000\"}";
        var padded = Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).Replace('+', '-').Replace('/', '_');

        foreach (var header in new[] { padded, padded.TrimEnd('=') })
        {
            var credentials = RegistryCredentials.FromHeader(header);
            Assert.Equal(("me", "p+/w?", "127.0.0.1:5000"), (credentials.Username, credentials.Password, credentials.ServerAddress));
        }
        Assert.False(RegistryCredentials.FromHeader(null).HasUserPassword);
        Assert.False(RegistryCredentials.FromHeader(Convert.ToBase64String("{}"u8.ToArray())).HasUserPassword);
    }

    [Fact]
    public void The_auth_field_of_a_cli_config_gives_user_and_password()
    {
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pa:ss"));

        var credentials = RegistryCredentials.FromJson(Encoding.UTF8.GetBytes($"{{\"auth\":\"{auth}\"}}"));

        Assert.Equal(("user", "pa:ss"), (credentials.Username, credentials.Password));
    }
}
