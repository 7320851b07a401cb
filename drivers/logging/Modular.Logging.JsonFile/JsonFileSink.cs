using Microsoft.Win32.SafeHandles;
using Modular.Sdk;
using Modular.Sdk.Logging;

namespace Modular.Logging.JsonFile;

/// <summary>
/// Appends messages to the container's json log and rotates by size. Lines logged together are held and written
/// with one write(2) at <see cref="Flush"/> (the copier flushes after each read of the container's output), so a
/// reader sees whole records as soon as a batch is out; like dockerd, nothing is fsynced.
/// </summary>
internal sealed class JsonFileSink : ILogSink
{
    private const UnixFileMode LogFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    // A caller that never flushes still gets its lines out in writes of about this size.
    private const int WriteThreshold = 64 * 1024;

    private readonly LogFilePaths _paths;
    private readonly JsonFileOptions _options;
    private readonly IDriverLog _log;
    private readonly SharedLogFile _shared;
    private FileStream _stream;
    // Taken once: FileStream.SafeFileHandle seeks the descriptor each time it is read.
    private SafeFileHandle _handle;
    private long _size;
    private byte[] _pending = new byte[WriteThreshold + 16 * 1024];
    private int _pendingLength;
    private bool _disposed;

    public JsonFileSink(LogFilePaths paths, JsonFileOptions options, IDriverLog log)
    {
        _paths = paths;
        _options = options;
        _log = log;
        RemoveInterruptedCompressions();
        _shared = SharedLogFile.Acquire(paths);
        try
        {
            _stream = OpenCurrent(paths.Current);
            _handle = _stream.SafeFileHandle;
            _size = RandomAccess.GetLength(_handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _shared.Release();
            throw new DriverException(DriverErrorKind.Internal, $"cannot open log file {paths.Current}: {e.Message}", e);
        }
    }

    public void Log(LogMessage message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var needed = _pendingLength + JsonLogLineEncoder.MaxEncodedLength(message.Line.Length);
        if (_pending.Length < needed)
        {
            Array.Resize(ref _pending, Math.Max(needed, _pending.Length * 2));
        }
        var length = JsonLogLineEncoder.Encode(message, _pending.AsSpan(_pendingLength));
        var before = _size + _pendingLength;
        // The size check is per message, as dockerd's: a file never grows past max-size unless one message does.
        if (_options.MaxSize is { } maxSize && before > 0 && before + length > maxSize)
        {
            WritePending(_pendingLength);
            Rotate();
            _pending.AsSpan(_pendingLength, length).CopyTo(_pending);
            _pendingLength = 0;
        }
        _pendingLength += length;
        if (_pendingLength >= WriteThreshold)
        {
            Flush();
        }
    }

    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pendingLength == 0)
        {
            return;
        }
        WritePending(_pendingLength);
        _pendingLength = 0;
        _shared.SignalWrite();
    }

    // Writes the first `length` held bytes; the caller decides what stays held.
    private void WritePending(int length)
    {
        if (length == 0)
        {
            return;
        }
        try
        {
            RandomAccess.Write(_handle, _pending.AsSpan(0, length), _size);
            _size += length;
        }
        catch
        {
            // Lines that could not be stored are dropped (as dockerd drops them) rather than retried forever.
            _pendingLength = 0;
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        try
        {
            Flush();
        }
        catch (IOException e)
        {
            // Closing happens when the container stops: a full disk must not fail that, only lose the last lines.
            _log.Warn($"could not write the last lines of {_paths.Current}: {e.Message}");
        }
        finally
        {
            _disposed = true;
            _stream.Dispose();
            // The container's files are final once its sink is closed.
            WaitForCompression();
            _shared.Release();
        }
    }

    private void Rotate()
    {
        // A compression finishes by renaming under the rotation lock: wait for it outside the lock.
        WaitForCompression();
        lock (_shared.RotationLock)
        {
            _stream.Dispose();
            if (_options.MaxFiles < 2)
            {
                // Unlink rather than truncate: a reader still holding the old file reads it to its end undisturbed.
                File.Delete(_paths.Current);
            }
            else
            {
                ShiftRotatedFiles();
                File.Move(_paths.Current, _paths.Rotated(1));
            }
            _stream = OpenCurrent(_paths.Current);
            _handle = _stream.SafeFileHandle;
            _size = 0;
            _shared.MarkRotated();
        }
        if (_options.Compress && _options.MaxFiles >= 2)
        {
            _shared.PendingCompression = Task.Run(CompressNewestRotated);
        }
    }

    private void ShiftRotatedFiles()
    {
        var oldest = _options.MaxFiles - 1;
        DeleteIfExists(_paths.Rotated(oldest));
        DeleteIfExists(_paths.RotatedCompressed(oldest));
        for (var k = oldest - 1; k >= 1; k--)
        {
            MoveIfExists(_paths.Rotated(k), _paths.Rotated(k + 1));
            MoveIfExists(_paths.RotatedCompressed(k), _paths.RotatedCompressed(k + 1));
        }
    }

    private void CompressNewestRotated()
    {
        var source = _paths.Rotated(1);
        var temp = _paths.CompressionTemp(1);
        try
        {
            using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var output = new FileStream(temp, new FileStreamOptions
                   {
                       Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = LogFileMode,
                   }))
            using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
            {
                input.CopyTo(gzip);
            }
            lock (_shared.RotationLock)
            {
                File.Move(temp, _paths.RotatedCompressed(1), overwrite: true);
                File.Delete(source);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The uncompressed file stays where readers find it; only disk space is lost.
            _log.Warn($"could not compress rotated log {source}: {e.Message}");
            DeleteIfExists(temp);
        }
    }

    private void WaitForCompression()
    {
        _shared.PendingCompression.GetAwaiter().GetResult();
    }

    private void RemoveInterruptedCompressions()
    {
        for (var k = 1; k < Math.Max(2, _options.MaxFiles); k++)
        {
            DeleteIfExists(_paths.CompressionTemp(k));
        }
    }

    private static FileStream OpenCurrent(string path) =>
        new(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
            UnixCreateMode = LogFileMode,
        });

    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static void MoveIfExists(string from, string to)
    {
        if (File.Exists(from))
        {
            File.Move(from, to, overwrite: true);
        }
    }
}
