using Modular.Api.Json;
using Modular.Api.Models;
using Modular.Kernel.Containers;
using Modular.Kernel.Images;
using Xunit;

namespace Modular.Kernel.Tests.Containers;

/// <summary>The merge of a create request with its image's config, checked against moby's daemon/commit.go merge().</summary>
public sealed class ContainerFactoryTests
{
    private static readonly ImageExecutionConfig Image = new()
    {
        User = "app",
        Env = ["PATH=/usr/bin:/bin", "LANG=C", "MODE=image"],
        Cmd = ["nginx", "-g", "daemon off;"],
        Entrypoint = ["/docker-entrypoint.sh"],
        WorkingDir = "/srv",
        ExposedPorts = ["80/tcp"],
        Volumes = ["/data"],
        Labels = new Dictionary<string, string> { ["maintainer"] = "image", ["tier"] = "image" },
        StopSignal = "SIGQUIT",
    };

    private static ContainerConfig Merge(ContainerCreateRequest request, ImageExecutionConfig? image = null) =>
        ContainerFactory.MergeWithImage(request, image ?? Image, "nginx:latest", "0123456789ab");

    [Fact]
    public void An_empty_request_takes_every_default_from_the_image()
    {
        var config = Merge(new ContainerCreateRequest());

        Assert.Equal("app", config.User);
        Assert.Equal(["PATH=/usr/bin:/bin", "LANG=C", "MODE=image"], config.Env);
        Assert.Equal(["/docker-entrypoint.sh"], config.Entrypoint);
        Assert.Equal(["nginx", "-g", "daemon off;"], config.Cmd);
        Assert.Equal("/srv", config.WorkingDir);
        Assert.Equal(["80/tcp"], config.ExposedPorts!.Keys);
        Assert.Equal("SIGQUIT", config.StopSignal);
        Assert.Equal("nginx:latest", config.Image);
        Assert.Equal("0123456789ab", config.Hostname);
        Assert.Equal(["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"], ContainerFactory.CommandLine(config));
    }

    [Fact]
    public void The_users_values_win_over_the_images()
    {
        var config = Merge(new ContainerCreateRequest { User = "1000:1000", WorkingDir = "/tmp", StopSignal = "SIGTERM" });

        Assert.Equal("1000:1000", config.User);
        Assert.Equal("/tmp", config.WorkingDir);
        Assert.Equal("SIGTERM", config.StopSignal);
    }

    [Fact]
    public void A_user_variable_replaces_the_images_variable_of_the_same_name()
    {
        var config = Merge(new ContainerCreateRequest { Env = ["MODE=user", "EXTRA=1"] });

        Assert.Contains("MODE=user", config.Env!);
        Assert.DoesNotContain("MODE=image", config.Env!);
        Assert.Contains("EXTRA=1", config.Env!);
        Assert.Contains("PATH=/usr/bin:/bin", config.Env!);
        Assert.Equal(4, config.Env!.Count);
    }

    [Fact]
    public void Merged_variables_are_in_dockers_order_users_first_then_the_images_others()
    {
        var config = Merge(new ContainerCreateRequest { Env = ["EXTRA=1", "MODE=user"] });

        // merge() keeps the user's list as is and appends the image variables the user did not name.
        Assert.Equal(["EXTRA=1", "MODE=user", "PATH=/usr/bin:/bin", "LANG=C"], config.Env);
    }

    [Fact]
    public void A_bare_name_from_the_user_drops_the_images_value()
    {
        var config = Merge(new ContainerCreateRequest { Env = ["LANG"] });

        Assert.DoesNotContain("LANG=C", config.Env!);
        Assert.Contains("LANG", config.Env!);
    }

    [Fact]
    public void A_cmd_alone_keeps_the_images_entrypoint()
    {
        var config = Merge(new ContainerCreateRequest { Cmd = ["sh"] });

        Assert.Equal(["/docker-entrypoint.sh"], config.Entrypoint);
        Assert.Equal(["sh"], config.Cmd);
    }

    [Fact]
    public void An_entrypoint_alone_drops_the_images_cmd()
    {
        var config = Merge(new ContainerCreateRequest { Entrypoint = ["/bin/echo"] });

        Assert.Equal(["/bin/echo"], config.Entrypoint);
        Assert.Null(config.Cmd);
        Assert.Equal(["/bin/echo"], ContainerFactory.CommandLine(config));
    }

    [Fact]
    public void An_entrypoint_and_a_cmd_are_both_the_users()
    {
        var config = Merge(new ContainerCreateRequest { Entrypoint = ["/bin/echo"], Cmd = ["hi"] });

        Assert.Equal(["/bin/echo", "hi"], ContainerFactory.CommandLine(config));
    }

    [Fact]
    public void Cmd_comes_from_the_image_when_neither_is_given_and_the_image_has_no_entrypoint()
    {
        var config = Merge(new ContainerCreateRequest(), Image with { Entrypoint = null, Cmd = ["sh"] });

        Assert.Null(config.Entrypoint);
        Assert.Equal(["sh"], config.Cmd);
    }

    [Fact]
    public void An_empty_string_entrypoint_resets_it_so_the_users_cmd_runs_alone()
    {
        // `docker run --entrypoint "" nginx echo hi` sends Entrypoint [""]; dockerd's mergeAndVerifyConfig resets it to nil.
        var config = Merge(new ContainerCreateRequest { Entrypoint = [""], Cmd = ["echo", "hi"] });

        Assert.Null(config.Entrypoint);
        Assert.Equal(["echo", "hi"], ContainerFactory.CommandLine(config));
    }

    [Fact]
    public void An_empty_entrypoint_list_keeps_the_images_cmd()
    {
        // merge(): len(Entrypoint) == 0 takes the image's Cmd; a non-nil empty list only stops the image's Entrypoint.
        var config = Merge(new ContainerCreateRequest { Entrypoint = [] });

        Assert.Null(config.Entrypoint);
        Assert.Equal(["nginx", "-g", "daemon off;"], config.Cmd);
    }

    [Fact]
    public void Labels_are_merged_with_the_users_winning()
    {
        var config = Merge(new ContainerCreateRequest { Labels = new() { ["tier"] = "user", ["owner"] = "me" } });

        Assert.Equal(
            new Dictionary<string, string> { ["maintainer"] = "image", ["tier"] = "user", ["owner"] = "me" },
            config.Labels);
    }

    [Fact]
    public void Exposed_ports_of_the_user_are_added_to_the_images()
    {
        var config = Merge(new ContainerCreateRequest { ExposedPorts = new() { ["8080/tcp"] = new EmptyObject() } });

        Assert.NotNull(config.ExposedPorts);
        Assert.Equal(["80/tcp", "8080/tcp"], config.ExposedPorts.Keys.Order());
    }

    [Fact]
    public void Volumes_of_the_image_are_kept_beside_the_users()
    {
        var fromImage = Merge(new ContainerCreateRequest());
        var both = Merge(new ContainerCreateRequest { Volumes = new() { ["/cache"] = new EmptyObject() } });

        Assert.NotNull(fromImage.Volumes);
        Assert.Equal(["/data"], fromImage.Volumes.Keys);
        Assert.NotNull(both.Volumes);
        Assert.Equal(["/cache", "/data"], both.Volumes.Keys.Order());
    }

    [Fact]
    public void An_image_without_defaults_leaves_empty_strings_not_nulls()
    {
        var config = Merge(new ContainerCreateRequest { Cmd = ["true"] }, new ImageExecutionConfig());

        Assert.Equal("", config.User);
        Assert.Equal("", config.WorkingDir);
        Assert.Empty(config.Env!);
        Assert.Empty(config.Labels!);
    }
}
