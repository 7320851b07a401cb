using Modular.Sdk;
using Modular.Sdk.Logging;

namespace Modular.Logging.JsonFile;

/// <summary>
/// Appends messages to the container's json log, one write(2) per message so a reader sees each record whole as
/// soon as it is logged, and rotates by size.
/// </summary>
internal sealed class JsonFileSink : ILogSink
{
    private const UnixFileMode LogFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private readonly LogFilePaths _paths;
    private readonly JsonFileOptions _options;
    private readonly IDriverLog _log;
    private readonly SharedLogFile _shared;
    private FileStream _stream;
    private long _size;
    private byte[] _buffer = new byte[16 * 1024];
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
            _size = RandomAccess.GetLength(_stream.SafeFileHandle);
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
        var needed = JsonLogLineEncoder.MaxEncodedLength(message.Line.Length);
        if (_buffer.Length < needed)
        {
            _buffer = new byte[Math.Max(needed, _buffer.Length * 2)];
        }
        var length = JsonLogLineEncoder.Encode(message, _buffer);
        if (_options.MaxSize is { } maxSize && _size > 0 && _size + length > maxSize)
        {
            Rotate();
        }
        RandomAccess.Write(_stream.SafeFileHandle, _buffer.AsSpan(0, length), _size);
        _size += length;
        _shared.SignalWrite();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stream.Dispose();
        // The container's files are final once its sink is closed.
        WaitForCompression();
        _shared.Release();
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
