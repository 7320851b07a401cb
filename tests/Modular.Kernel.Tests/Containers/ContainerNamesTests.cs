using System.Text.RegularExpressions;
using Modular.Kernel.Containers;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Containers;

public sealed class ContainerNamesTests
{
    [Theory]
    [InlineData("ab", "ab")]
    [InlineData("/ab", "ab")]
    [InlineData("web-1", "web-1")]
    [InlineData("a.b_c-d", "a.b_c-d")]
    [InlineData("0abc", "0abc")]
    public void Accepts_dockers_names_and_strips_the_leading_slash(string given, string stored) =>
        Assert.Equal(stored, ContainerNames.Validate(given));

    [Theory]
    [InlineData("a")]
    [InlineData("/a")]
    [InlineData("a b")]
    [InlineData("_ab")]
    [InlineData(".ab")]
    [InlineData("-ab")]
    [InlineData("//ab")]
    [InlineData("ab/c")]
    [InlineData("ab:c")]
    [InlineData("")]
    public void Refuses_what_docker_refuses(string given)
    {
        var error = Assert.Throws<DriverException>(() => ContainerNames.Validate(given));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal($"Invalid container name ({given}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", error.Message);
    }

    [Fact]
    public void Generated_names_are_unique_and_valid()
    {
        var taken = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            var name = ContainerNames.Generate(taken.Contains);

            Assert.True(taken.Add(name), $"{name} was generated twice");
            Assert.Equal(name, ContainerNames.Validate(name));
        }
    }

    [Fact]
    public void Generation_looks_past_taken_names_by_adding_a_digit()
    {
        // Every plain adjective_scientist pair is taken, so only the digit-suffixed form can be handed out.
        var name = ContainerNames.Generate(candidate => !char.IsDigit(candidate[^1]));

        Assert.Matches("^[a-z]+_[a-z]+[0-9]$", name);
    }

    [Fact]
    public void Ids_are_64_lowercase_hex_digits_and_random()
    {
        var first = ContainerNames.NewId();
        var second = ContainerNames.NewId();

        Assert.Matches(new Regex("^[0-9a-f]{64}$"), first);
        Assert.NotEqual(first, second);
    }
}
