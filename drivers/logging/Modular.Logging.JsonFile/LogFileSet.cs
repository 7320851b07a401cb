using System.IO.Compression;

namespace Modular.Logging.JsonFile;

/// <summary>
/// Files of one container's log opened together under the rotation lock, so renames cannot reshuffle them between
/// listing and opening. Rotated files come oldest first; an open file stays readable after it is renamed or removed.
/// </summary>
internal sealed class LogFileSet : IDisposable
{
    private LogFileSet(List<LineScanner> rotated, LineScanner? current, int generation)
    {
        Rotated = rotated;
        Current = current;
        Generation = generation;
    }

    /// <summary>Finished files, oldest first: read them to their end and drop a trailing partial line.</summary>
    public List<LineScanner> Rotated { get; }

    /// <summary>The file the sink appends to, or null when no log was written yet.</summary>
    public LineScanner? Current { get; private set; }

    /// <summary>The rotation count at the moment the set was opened.</summary>
    public int Generation { get; }

    /// <summary>Opens every file that exists: all rotated ones and the current one.</summary>
    public static LogFileSet OpenAll(LogFilePaths paths, SharedLogFile shared)
    {
        lock (shared.RotationLock)
        {
            var count = 0;
            while (File.Exists(paths.Rotated(count + 1)) || File.Exists(paths.RotatedCompressed(count + 1)))
            {
                count++;
            }
            return Open(paths, shared, count);
        }
    }

    /// <summary>
    /// Opens what a follower that had the current file of rotation <paramref name="seenGeneration"/> has not seen:
    /// the files rotated after its file, then the new current file.
    /// </summary>
    public static LogFileSet OpenNewerThan(LogFilePaths paths, SharedLogFile shared, int seenGeneration)
    {
        lock (shared.RotationLock)
        {
            return Open(paths, shared, Math.Max(0, shared.Generation - seenGeneration - 1));
        }
    }

    /// <summary>Hands the current file over to the caller, who then owns it.</summary>
    public LineScanner? TakeCurrent()
    {
        var current = Current;
        Current = null;
        return current;
    }

    public void Dispose()
    {
        foreach (var scanner in Rotated)
        {
            scanner.Dispose();
        }
        Rotated.Clear();
        Current?.Dispose();
        Current = null;
    }

    // Caller holds the rotation lock.
    private static LogFileSet Open(LogFilePaths paths, SharedLogFile shared, int newestRotatedCount)
    {
        var rotated = new List<LineScanner>();
        try
        {
            for (var k = newestRotatedCount; k >= 1; k--)
            {
                if (TryOpen(paths.RotatedCompressed(k)) is { } compressed)
                {
                    rotated.Add(new LineScanner(new GZipStream(compressed, CompressionMode.Decompress)));
                }
                else if (TryOpen(paths.Rotated(k)) is { } plain)
                {
                    rotated.Add(new LineScanner(plain));
                }
            }
            var current = TryOpen(paths.Current) is { } file ? new LineScanner(file) : null;
            return new LogFileSet(rotated, current, shared.Generation);
        }
        catch
        {
            rotated.ForEach(r => r.Dispose());
            throw;
        }
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
            });
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
