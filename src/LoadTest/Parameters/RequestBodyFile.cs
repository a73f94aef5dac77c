using System;
using System.Globalization;
using System.IO;
using System.Management.Automation;

namespace LoadTest.Parameters;

/// <summary>The body of every request: -Body, or the bytes of -InFile read once before the run.</summary>
internal static class RequestBodyFile
{
    /// <summary>The largest -InFile: it is held in memory once and sent by every request.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    /// <summary>The body, or the error that stops the run.</summary>
    /// <param name="body">-Body.</param>
    /// <param name="inFile">-InFile, a PowerShell path.</param>
    /// <param name="resolvePath">Turns a PowerShell path into a file system path and its provider's name; throws when it cannot.</param>
    /// <param name="resolved">-Body, or the file's bytes.</param>
    public static ErrorRecord? TryResolve(object? body, string? inFile, Func<string, (string Path, string Provider)> resolvePath, out object? resolved)
    {
        resolved = body;
        if (inFile is null)
        {
            return null;
        }

        if (body is not null)
        {
            return ErrorRecordFactory.Create(ErrorIds.BodyConflict, ErrorCategory.InvalidArgument, inFile, "Give the body with -Body or with -InFile, not both.");
        }

        string path;
        try
        {
            (path, string provider) = resolvePath(inFile);
            if (!provider.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                return NotFound(inFile, $"-InFile '{inFile}' is not a file system path.");
            }
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ArgumentException)
        {
            return NotFound(inFile, $"-InFile '{inFile}' was not found: {ex.Message}");
        }

        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return NotFound(inFile, Directory.Exists(path)
                ? $"-InFile '{inFile}' is a directory; give a file."
                : $"-InFile '{inFile}' was not found (looked for '{path}').");
        }

        if (file.Length > MaxBytes)
        {
            return ErrorRecordFactory.Create(
                new IOException(string.Create(CultureInfo.InvariantCulture, $"-InFile '{inFile}' has {file.Length} bytes; at most {MaxBytes} (64 MB) can be sent, since the body is held in memory and sent by every request.")),
                ErrorIds.InFileTooLarge,
                ErrorCategory.LimitsExceeded,
                inFile);
        }

        try
        {
            resolved = File.ReadAllBytes(path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ErrorRecordFactory.Create(new IOException($"-InFile '{inFile}' could not be read: {ex.Message}", ex), ErrorIds.InFileUnreadable, ErrorCategory.ReadError, inFile);
        }
    }

    private static ErrorRecord NotFound(string inFile, string message) =>
        ErrorRecordFactory.Create(new FileNotFoundException(message, inFile), ErrorIds.InFileNotFound, ErrorCategory.ObjectNotFound, inFile);
}
