using System.Formats.Tar;

namespace Modular.Sdk.Conformance.Storage;

/// <summary>Builds small layer tars in memory for tests: PAX entries with explicit owners, octal modes, times and xattrs.</summary>
public sealed class LayerTarBuilder
{
    /// <summary>The modification time entries get unless a test names one: whole seconds, so every tar format keeps it.</summary>
    public static readonly DateTimeOffset DefaultTime = new(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private readonly MemoryStream _stream = new();
    private readonly TarWriter _writer;

    /// <summary>Starts an empty tar.</summary>
    public LayerTarBuilder()
    {
        _writer = new TarWriter(_stream, TarEntryFormat.Pax, leaveOpen: true);
    }

    /// <summary>Adds a directory.</summary>
    public LayerTarBuilder Directory(string name, string mode = "755", int uid = 0, int gid = 0, DateTimeOffset? time = null,
        IReadOnlyDictionary<string, string>? xattrs = null) =>
        Add(TarEntryType.Directory, name.TrimEnd('/') + "/", mode, uid, gid, time, xattrs);

    /// <summary>Adds a regular file holding <paramref name="content"/> (UTF-8).</summary>
    public LayerTarBuilder File(string name, string content, string mode = "644", int uid = 0, int gid = 0, DateTimeOffset? time = null,
        IReadOnlyDictionary<string, string>? xattrs = null) =>
        Add(TarEntryType.RegularFile, name, mode, uid, gid, time, xattrs, entry =>
            entry.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)));

    /// <summary>Adds a symlink holding <paramref name="target"/>.</summary>
    public LayerTarBuilder Symlink(string name, string target, int uid = 0, int gid = 0, DateTimeOffset? time = null) =>
        Add(TarEntryType.SymbolicLink, name, "777", uid, gid, time, null, entry => entry.LinkName = target);

    /// <summary>Adds a hard link to <paramref name="target"/>, an earlier entry's name.</summary>
    public LayerTarBuilder HardLink(string name, string target) =>
        Add(TarEntryType.HardLink, name, "644", 0, 0, null, null, entry => entry.LinkName = target);

    /// <summary>Adds a character device node.</summary>
    public LayerTarBuilder CharDevice(string name, int major, int minor, string mode = "666") =>
        Add(TarEntryType.CharacterDevice, name, mode, 0, 0, null, null, entry => { entry.DeviceMajor = major; entry.DeviceMinor = minor; });

    /// <summary>Adds a block device node.</summary>
    public LayerTarBuilder BlockDevice(string name, int major, int minor, string mode = "660") =>
        Add(TarEntryType.BlockDevice, name, mode, 0, 0, null, null, entry => { entry.DeviceMajor = major; entry.DeviceMinor = minor; });

    /// <summary>
    /// Adds a regular file whose PAX header carries <paramref name="xattrs"/> as raw bytes, as Go's archive/tar (and so
    /// Docker and containerd) writes them; values need not be UTF-8. Written by hand because .NET's TarWriter only takes
    /// text values.
    /// </summary>
    public LayerTarBuilder FileWithBinaryXattrs(string name, string content, IReadOnlyDictionary<string, byte[]> xattrs, string mode = "644")
    {
        var records = new MemoryStream();
        foreach (var (key, value) in xattrs)
        {
            PaxRecords.Write(records, "SCHILY.xattr." + key, value);
        }
        var data = System.Text.Encoding.UTF8.GetBytes(content);
        RawTarBlocks.WriteEntry(_stream, "PaxHeaders/" + name, 'x', Octal("644"), records.ToArray());
        RawTarBlocks.WriteEntry(_stream, name, '0', Octal(mode), data);
        return this;
    }

    /// <summary>Adds a FIFO.</summary>
    public LayerTarBuilder Fifo(string name, string mode = "644") => Add(TarEntryType.Fifo, name, mode, 0, 0, null, null);

    /// <summary>Adds an OCI whiteout deleting <paramref name="path"/> from the layers below.</summary>
    public LayerTarBuilder Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        return File(slash < 0 ? ".wh." + path : path[..(slash + 1)] + ".wh." + path[(slash + 1)..], "", "000");
    }

    /// <summary>Adds the OCI marker making <paramref name="directory"/> opaque.</summary>
    public LayerTarBuilder Opaque(string directory) => File(directory.TrimEnd('/') + "/.wh..wh..opq", "", "000");

    /// <summary>Ends the tar and returns it, positioned at its start.</summary>
    public MemoryStream Build()
    {
        _writer.Dispose();
        _stream.Position = 0;
        return _stream;
    }

    /// <summary>Parses an octal mode such as <c>4755</c>.</summary>
    public static uint Octal(string mode) => Convert.ToUInt32(mode, 8);

    private LayerTarBuilder Add(TarEntryType type, string name, string mode, int uid, int gid, DateTimeOffset? time,
        IReadOnlyDictionary<string, string>? xattrs, Action<PaxTarEntry>? configure = null)
    {
        var attributes = xattrs?.ToDictionary(x => "SCHILY.xattr." + x.Key, x => x.Value) ?? new Dictionary<string, string>();
        var entry = new PaxTarEntry(type, name, attributes)
        {
            Mode = (UnixFileMode)Octal(mode),
            Uid = uid,
            Gid = gid,
            ModificationTime = time ?? DefaultTime,
        };
        configure?.Invoke(entry);
        _writer.WriteEntry(entry);
        return this;
    }
}
