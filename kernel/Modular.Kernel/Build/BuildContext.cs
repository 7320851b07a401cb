using System.Formats.Tar;
using System.IO.Compression;
using Modular.Api.Build;
using Modular.Kernel.Streams;
using Modular.Sdk;

namespace Modular.Kernel.Build;

/// <summary>
/// The build context, extracted from the request's tar (plain or gzip) into a private folder that is removed when the
/// build ends. Entries that would land outside the folder are refused; ownership is not kept (Docker's client sends
/// everything as root, and COPY writes root-owned files unless told otherwise).
/// </summary>
public sealed class BuildContext : IDisposable
{
    private BuildContext(string root)
    {
        Root = root;
    }

    /// <summary>The folder holding the context's files.</summary>
    public string Root { get; }

    /// <summary>
    /// Extracts the request body: a tar (plain or gzip), or a bare Dockerfile, stored under <paramref name="dockerfileName"/>.
    /// </summary>
    public static async Task<BuildContext> ExtractAsync(Stream body, string temporaryFolder, string dockerfileName, CancellationToken cancellationToken)
    {
        var root = Path.Combine(temporaryFolder, "context-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var context = new BuildContext(root);
        try
        {
            await ExtractBodyAsync(body, root, dockerfileName, cancellationToken);
            return context;
        }
        catch (IOException e) when (e.HResult == 28 || e.Message.Contains("No space left", StringComparison.Ordinal))
        {
            context.Dispose();
            throw new DriverException(DriverErrorKind.Internal, $"failed to extract the build context: no space left on device");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException)
        {
            context.Dispose();
            throw DriverException.InvalidArgument($"the build context is not a valid tar archive: {e.Message}");
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the Dockerfile (Docker's fallback to "dockerfile" when "Dockerfile" is absent), then applies the
    /// context's .dockerignore, which may also remove the Dockerfile and .dockerignore themselves.
    /// </summary>
    public string ReadDockerfile(string name)
    {
        var path = ResolveDockerfile(name);
        var text = File.ReadAllText(path);
        var ignoreFile = Path.Combine(Root, ".dockerignore");
        if (File.Exists(ignoreFile))
        {
            RemoveIgnored(IgnorePatterns.Parse(File.ReadAllText(ignoreFile)));
        }
        return text;
    }

    private string ResolveDockerfile(string name)
    {
        var clean = IgnorePatterns.CleanPath(name.Replace('\\', '/')).TrimStart('/');
        var candidate = Path.Combine(Root, clean);
        if (!IsInside(candidate) || clean.StartsWith("../", StringComparison.Ordinal))
        {
            throw DriverException.InvalidArgument($"Forbidden path outside the build context: {name}");
        }
        if (!File.Exists(candidate) && name == "Dockerfile" && File.Exists(Path.Combine(Root, "dockerfile")))
        {
            candidate = Path.Combine(Root, "dockerfile");
        }
        if (!File.Exists(candidate))
        {
            throw DriverException.InvalidArgument($"Cannot locate specified Dockerfile: {name}");
        }
        return candidate;
    }

    private void RemoveIgnored(IgnorePatterns patterns)
    {
        if (patterns.IsEmpty)
        {
            return;
        }
        // Children before their parents, so a directory left empty by the removals can go too.
        foreach (var (relative, entry) in TreeWalker.Walk(Root).Reverse().ToList())
        {
            if (!patterns.Matches(relative))
            {
                continue;
            }
            if (entry is DirectoryInfo directory && directory.LinkTarget is null)
            {
                if (!directory.EnumerateFileSystemInfos().Any())
                {
                    directory.Delete();
                }
            }
            else
            {
                entry.Delete();
            }
        }
    }

    public bool IsInside(string path)
    {
        var full = Path.GetFullPath(path);
        return full == Root || full.StartsWith(Root + "/", StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static async Task ExtractBodyAsync(Stream body, string root, string dockerfileName, CancellationToken cancellationToken)
    {
        var head = new byte[ContextFormat.HeaderSize];
        var length = 0;
        while (length < head.Length)
        {
            var read = await body.ReadAsync(head.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }
            length += read;
        }
        if (length == 0)
        {
            return;
        }
        Stream source = new PrefixedStream(head.AsMemory(0, length), body);
        if (ContextFormat.IsGzip(head.AsSpan(0, length)))
        {
            await ExtractTarAsync(new GZipStream(source, CompressionMode.Decompress), root, cancellationToken);
        }
        else if (ContextFormat.IsBareDockerfile(head.AsSpan(0, length)))
        {
            await WriteBareDockerfileAsync(source, root, dockerfileName, cancellationToken);
        }
        else
        {
            await ExtractTarAsync(source, root, cancellationToken);
        }
    }

    private static async Task WriteBareDockerfileAsync(Stream source, string root, string dockerfileName, CancellationToken cancellationToken)
    {
        var relative = IgnorePatterns.CleanPath(dockerfileName.Replace('\\', '/')).TrimStart('/');
        if (relative is "" or "." or ".." || relative.StartsWith("../", StringComparison.Ordinal))
        {
            relative = "Dockerfile";
        }
        var target = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        await source.CopyToAsync(file, cancellationToken);
    }

    private static async Task ExtractTarAsync(Stream source, string root, CancellationToken cancellationToken)
    {
        await using var reader = new TarReader(new TarEndPadding(source), leaveOpen: false);
        var directoryTimes = new List<(string Path, DateTimeOffset Time)>();
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            var relative = IgnorePatterns.CleanPath(entry.Name.Replace('\\', '/')).TrimStart('/');
            if (relative is "." or "" || relative.StartsWith("../", StringComparison.Ordinal) || relative == "..")
            {
                continue;
            }
            var target = Path.Combine(root, relative);
            RefuseSymlinkParents(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var mode = (UnixFileMode)((int)entry.Mode & 0xfff);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(target);
                    File.SetUnixFileMode(target, mode);
                    directoryTimes.Add((target, entry.ModificationTime));
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    RemoveExisting(target);
                    // Unbuffered (the copy has its own buffer), mode and time set through the open handle.
                    using (var handle = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write))
                    {
                        if (entry.DataStream is { } data)
                        {
                            await CopyToHandleAsync(data, handle, cancellationToken);
                        }
                        File.SetUnixFileMode(handle, mode);
                        File.SetLastWriteTimeUtc(handle, entry.ModificationTime.UtcDateTime);
                    }
                    break;
                case TarEntryType.SymbolicLink:
                    RemoveExisting(target);
                    File.CreateSymbolicLink(target, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    var linked = Path.Combine(root, IgnorePatterns.CleanPath(entry.LinkName).TrimStart('/'));
                    if (File.Exists(linked) && Path.GetFullPath(linked).StartsWith(root + "/", StringComparison.Ordinal))
                    {
                        RemoveExisting(target);
                        File.Copy(linked, target);
                    }
                    break;
            }
        }
        foreach (var (path, time) in directoryTimes)
        {
            Directory.SetLastWriteTimeUtc(path, time.UtcDateTime);
        }
    }

    private static async Task CopyToHandleAsync(Stream data, Microsoft.Win32.SafeHandles.SafeFileHandle handle, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long offset = 0;
            int read;
            while ((read = await data.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await RandomAccess.WriteAsync(handle, buffer.AsMemory(0, read), offset, cancellationToken);
                offset += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // An entry under a symlink the archive created earlier could be written anywhere the link points.
    private static void RefuseSymlinkParents(string root, string relative)
    {
        var current = root;
        var parts = relative.Split('/');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            current = Path.Combine(current, parts[i]);
            if (new FileInfo(current).LinkTarget is not null)
            {
                throw new InvalidDataException($"entry {relative} is beneath a symbolic link");
            }
        }
    }

    private static void RemoveExisting(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists || info.LinkTarget is not null)
        {
            info.Delete();
        }
    }
}
