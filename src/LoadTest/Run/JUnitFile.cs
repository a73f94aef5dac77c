using System;
using System.IO;
using System.Management.Automation;
using System.Security;
using LoadTest.Parameters;
using LoadTest.Reporting;

namespace LoadTest.Run;

/// <summary>The -JUnitPath of Assert-RunSummary and Compare-RunSummary: the report, where it goes, and its write error.</summary>
internal sealed class JUnitFile
{
    private readonly string _path;

    public JUnitFile(PSCmdlet cmdlet, string path, string suite)
    {
        _path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        Report = new JUnitReport(suite);
    }

    public JUnitReport Report { get; }

    /// <summary>Writes the report so far; a failure is terminating, since a CI job would otherwise read no report or an old one.</summary>
    public void Save(PSCmdlet cmdlet)
    {
        try
        {
            Report.Save(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SecurityException or NotSupportedException)
        {
            cmdlet.ThrowTerminatingError(ErrorRecordFactory.Create(
                new IOException($"Cannot write the JUnit report to '{_path}': {ex.Message}", ex),
                ErrorIds.JUnitWriteFailed,
                ErrorCategory.WriteError,
                _path));
        }
    }
}
