using Modular.Kernel.Containers.Archive;
using Modular.Sdk.Syscalls;
using Xunit;

namespace Modular.Kernel.Tests.Archive;

public sealed class ContainerPathStatTests
{
    [Theory]
    [InlineData(0x41ED, 0x800001EDu)]             // drwxr-xr-x -> ModeDir | 0755
    [InlineData(0xA1FF, 0x080001FFu)]             // lrwxrwxrwx -> ModeSymlink | 0777
    [InlineData(0x81A4, 0x1A4u)]                  // -rw-r--r--
    [InlineData(0x89ED, 0x008001EDu)]             // -rwsr-xr-x -> ModeSetuid | 0755
    [InlineData(0x43FF, 0x801001FFu)]             // drwxrwxrwt -> ModeDir | ModeSticky | 0777
    [InlineData(0x21B6, 0x042001B6u)]             // crw-rw-rw- -> ModeDevice | ModeCharDevice | 0666
    public void Modes_use_go_file_mode_bits(int linuxMode, uint goMode) =>
        Assert.Equal(goMode, ContainerPathStat.GoFileMode((uint)linuxMode));

    [Fact]
    public void Header_is_standard_base64_json_with_moby_keys()
    {
        var stat = ContainerPathStat.From("passwd", new FileStatus(0x81A4, 0, 0, 42, 0, 0, 1, 0, default, new UnixTime(1700000000, 500_000_000)), "");

        var value = stat.ToHeaderValue();
        var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value));

        Assert.Equal("{\"name\":\"passwd\",\"size\":42,\"mode\":420,\"mtime\":\"2023-11-14T22:13:20.5Z\",\"linkTarget\":\"\"}", json);
        Assert.Equal(stat, ContainerPathStat.FromHeaderValue(value));
    }
}
