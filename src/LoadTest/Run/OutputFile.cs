using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using LoadTest.Parameters;

namespace LoadTest.Run;

/// <summary>A file an Export- cmdlet writes: its path resolved as PowerShell resolves paths, and one clear error when it cannot be written.</summary>
internal static class OutputFile
{
    /// <summary>
    /// Resolves <paramref name="path"/> and writes it; a failure is terminating (a half-written or old file must not pass for
    /// the new one). Returns the resolved path.
    /// </summary>
    public static string Write(PSCmdlet cmdlet, string path, string what, string errorId, Action<string> write)
    {
        string resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        try
        {
            write(resolved);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SecurityException or NotSupportedException)
        {
            cmdlet.ThrowTerminatingError(ErrorRecordFactory.Create(
                new IOException($"Cannot write {what} to '{resolved}': {ex.Message}", ex),
                errorId,
                ErrorCategory.WriteError,
                resolved));
        }

        return resolved;
    }
}
