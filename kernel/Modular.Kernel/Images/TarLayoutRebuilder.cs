using System.IO.Compression;
using System.Text;
using Modular.Kernel.Containers.Archive;
using Modular.Sdk;

namespace Modular.Kernel.Images;

/// <summary>
/// Writes a layer's original tar again from its recorded layout (see <see cref="TarLayoutRecorder"/>) and the files of
/// the extracted layer. Files are opened beneath the layer's root without following any symlink, so a layer cannot
/// make a save read host files; a file whose size differs from the recorded one fails the rebuild.
/// </summary>
internal static class TarLayoutRebuilder
{
    /// <summary>The size of the tar <see cref="Write"/> produces, read from the layout alone.</summary>
    public static long Length(string layoutPath)
    {
        using var layout = new BinaryReader(new GZipStream(File.OpenRead(layoutPath), CompressionMode.Decompress), Encoding.UTF8);
        var total = 0L;
        var skip = new byte[1 << 16];
        while (true)
        {
            switch (layout.ReadByte())
            {
                case (byte)'R':
                    var length = layout.ReadInt32();
                    total += length;
                    CopyExactly(layout.BaseStream, Stream.Null, length, skip);
                    break;
                case (byte)'F':
                    total += layout.ReadInt64();
                    layout.ReadString();
                    break;
                case (byte)'E':
                    return total;
                default:
                    throw new InvalidDataException($"corrupt tar layout {layoutPath}");
            }
        }
    }

    public static void Write(string layoutPath, string layerRoot, Stream output)
    {
        using var layout = new BinaryReader(new GZipStream(File.OpenRead(layoutPath), CompressionMode.Decompress), Encoding.UTF8);
        using var root = ScopedOpen.OpenRoot(layerRoot);
        var buffer = new byte[1 << 16];
        while (true)
        {
            var kind = layout.ReadByte();
            switch (kind)
            {
                case (byte)'R':
                    var length = layout.ReadInt32();
                    CopyExactly(layout.BaseStream, output, length, buffer);
                    break;
                case (byte)'F':
                    var size = layout.ReadInt64();
                    var path = layout.ReadString();
                    if (size > 0)
                    {
                        CopyFile(root, path, size, output, buffer);
                    }
                    break;
                case (byte)'E':
                    return;
                default:
                    throw new InvalidDataException($"corrupt tar layout {layoutPath}");
            }
        }
    }

    private static void CopyFile(Microsoft.Win32.SafeHandles.SafeFileHandle root, string path, long size, Stream output, byte[] buffer)
    {
        var clean = string.Join('/', path.Split('/').Where(part => part is not ("" or ".")));
        using var handle = ScopedOpen.Open(root, clean, ScopedOpen.ReadOnly | ScopedOpen.NoFollow, Scope.BeneathNoSymlinks) ??
            throw new DriverException(DriverErrorKind.Internal, $"layer file {path} is missing; the layer cannot be exported as it was imported");
        using var file = new FileStream(handle, FileAccess.Read, 1);
        if (file.Length != size)
        {
            throw new DriverException(DriverErrorKind.Internal,
                $"layer file {path} has {file.Length} bytes where its tar entry had {size}; the layer cannot be exported as it was imported");
        }
        CopyExactly(file, output, size, buffer);
    }

    private static void CopyExactly(Stream input, Stream output, long count, byte[] buffer)
    {
        while (count > 0)
        {
            var read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read == 0)
            {
                throw new InvalidDataException("unexpected end of a layer file or its tar layout");
            }
            output.Write(buffer, 0, read);
            count -= read;
        }
    }
}
