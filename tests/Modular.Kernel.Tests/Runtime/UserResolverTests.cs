using Modular.Kernel.Runtime;
using Modular.Kernel.Tests.Containers;
using Modular.Sdk;
using Xunit;

namespace Modular.Kernel.Tests.Runtime;

/// <summary>Checked against moby/sys/user GetExecUser, which dockerd calls with no defaults (uid 0, gid 0, home "").</summary>
public sealed class UserResolverTests : IDisposable
{
    private const string Passwd = """
        root:x:0:0:root:/root:/bin/sh
        daemon:x:1:1:daemon:/usr/sbin:/bin/false
        # a comment line
        app:x:1000:1000:app user:/home/app:/bin/sh
        nobody:x:65534:65534:nobody:/nonexistent:/bin/false
        """;

    private const string Group = """
        root:x:0:
        daemon:x:1:
        wheel:x:10:app
        audio:x:29:app,daemon
        staff:x:50:
        app:x:1000:
        nogroup:x:65534:
        """;

    private readonly TempFolder _root = new("rootfs");

    public UserResolverTests()
    {
        _root.Write("etc/passwd", Passwd + "\n");
        _root.Write("etc/group", Group + "\n");
    }

    public void Dispose() => _root.Dispose();

    private ResolvedUser Resolve(string user) => UserResolver.Resolve(_root.Path, user);

    [Theory]
    [InlineData("", 0u, 0u, "/root")]
    [InlineData("root", 0u, 0u, "/root")]
    [InlineData("0", 0u, 0u, "/root")]
    [InlineData("nobody", 65534u, 65534u, "/nonexistent")]
    [InlineData("app", 1000u, 1000u, "/home/app")]
    [InlineData("1000", 1000u, 1000u, "/home/app")]
    [InlineData("1000:1000", 1000u, 1000u, "/home/app")]
    [InlineData("app:staff", 1000u, 50u, "/home/app")]
    [InlineData("app:50", 1000u, 50u, "/home/app")]
    [InlineData("nobody:4242", 65534u, 4242u, "/nonexistent")]
    [InlineData("root:nogroup", 0u, 65534u, "/root")]
    public void Resolves_names_and_numbers_from_the_containers_files(string user, uint uid, uint gid, string home)
    {
        var resolved = Resolve(user);

        Assert.Equal((uid, gid, home), (resolved.Uid, resolved.Gid, resolved.Home));
    }

    [Fact]
    public void Members_of_groups_get_them_as_additional_groups()
    {
        Assert.Equal([10u, 29u], Resolve("app").AdditionalGids);
        Assert.Equal([29u], Resolve("daemon").AdditionalGids);
        Assert.Empty(Resolve("root").AdditionalGids);
    }

    [Fact]
    public void An_explicit_group_gives_no_supplementary_groups()
    {
        // GetExecUser: "Supplementary group ids only make sense if in the implicit form."
        Assert.Empty(Resolve("app:staff").AdditionalGids);
    }

    [Fact]
    public void A_uid_without_a_passwd_entry_keeps_group_0()
    {
        // `docker run -u 2000 busybox id` prints uid=2000 gid=0(root): the gid stays at GetExecUser's default.
        var resolved = Resolve("2000");

        Assert.Equal((2000u, 0u), (resolved.Uid, resolved.Gid));
        Assert.Empty(resolved.AdditionalGids);
    }

    [Fact]
    public void A_uid_and_gid_without_entries_are_taken_as_given()
    {
        var resolved = Resolve("2000:3000");

        Assert.Equal((2000u, 3000u), (resolved.Uid, resolved.Gid));
    }

    [Fact]
    public void An_unknown_user_is_refused_in_dockers_words()
    {
        var error = Assert.Throws<DriverException>(() => Resolve("x"));

        Assert.Equal(DriverErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("unable to find user x: no matching entries in passwd file", error.Message);
    }

    [Fact]
    public void An_unknown_group_is_refused_in_dockers_words()
    {
        var error = Assert.Throws<DriverException>(() => Resolve("app:wheelies"));

        Assert.Equal("unable to find group wheelies: no matching entries in group file", error.Message);
    }

    [Fact]
    public void Without_passwd_and_group_files_only_numbers_work()
    {
        using var empty = new TempFolder("rootfs");

        var resolved = UserResolver.Resolve(empty.Path, "1234:5678");

        Assert.Equal((1234u, 5678u), (resolved.Uid, resolved.Gid));
        Assert.Equal("unable to find user app: no matching entries in passwd file",
            Assert.Throws<DriverException>(() => UserResolver.Resolve(empty.Path, "app")).Message);
    }

    [Fact]
    public void A_passwd_symlink_pointing_outside_the_rootfs_is_not_followed()
    {
        using var outside = new TempFolder("host");
        var hostPasswd = outside.Write("passwd", "intruder:x:4242:4242::/:/bin/sh\n");
        using var rootfs = new TempFolder("rootfs");
        Directory.CreateDirectory(rootfs.Combine("etc"));
        File.CreateSymbolicLink(rootfs.Combine("etc", "passwd"), hostPasswd);

        var error = Assert.Throws<DriverException>(() => UserResolver.Resolve(rootfs.Path, "intruder"));

        Assert.Equal("unable to find user intruder: no matching entries in passwd file", error.Message);
    }

    [Fact]
    public void An_etc_symlink_pointing_outside_the_rootfs_is_not_followed()
    {
        using var outside = new TempFolder("host");
        outside.Write("passwd", "intruder:x:4242:4242::/:/bin/sh\n");
        using var rootfs = new TempFolder("rootfs");
        Directory.CreateSymbolicLink(rootfs.Combine("etc"), outside.Path);

        // dockerd resolves the path inside the rootfs (symlink.FollowSymlinkInScope); the host's file is never read.
        var error = Assert.Throws<DriverException>(() => UserResolver.Resolve(rootfs.Path, "intruder"));

        Assert.Equal("unable to find user intruder: no matching entries in passwd file", error.Message);
    }
}
