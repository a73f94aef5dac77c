using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using LoadTest.Parameters;

namespace LoadTest.Run;

/// <summary>
/// Before a fanned-out run sends anything: every session imports the module (unless it has it already) and says
/// which version it runs, all at once, within a bound. A session that cannot, or that runs another version than
/// this one (whose reports and parameters may differ), is refused with an error that names it.
/// </summary>
internal static class FleetPreflight
{
    // -ListImported: a module on the session's PSModulePath must not be auto-loaded in place of -RemoteModule.
    private const string Script = @"
param([string] $Module)
$command = Get-Command Invoke-BoundedRequest -ListImported -ErrorAction Ignore | Select-Object -First 1
if (-not $command) {
    Import-Module $Module -ErrorAction Stop
    $command = Get-Command Invoke-BoundedRequest -ListImported -ErrorAction Stop | Select-Object -First 1
}
[string] $command.Module.Version";

    private const string NothingSent = "No request was sent: every session must pass this check before the run starts.";

    /// <summary>Checks every session; one error for each that cannot run its share (none when all can).</summary>
    /// <param name="sessions">The sessions.</param>
    /// <param name="module">What a session imports when it does not have the command: a name or a path there.</param>
    /// <param name="version">This module's version, which each session must run.</param>
    /// <param name="bound">How long a session may take to answer.</param>
    /// <param name="stop">Set when the caller is stopped (Ctrl+C): the check ends at once.</param>
    public static List<ErrorRecord> Check(IReadOnlyList<PSSession> sessions, string module, Version version, TimeSpan bound, WaitHandle stop)
    {
        var errors = new List<ErrorRecord>();
        var checks = new List<(PSSession Session, PowerShell Shell, IAsyncResult Pending)>();
        foreach (PSSession session in sessions)
        {
            PowerShell shell = PowerShell.Create();
            shell.Runspace = session.Runspace;
            shell.AddScript(Script).AddArgument(module);
            try
            {
                checks.Add((session, shell, shell.BeginInvoke()));
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidRunspaceStateException or RuntimeException)
            {
                shell.Dispose();
                errors.Add(Failed(session, ex));
            }
        }

        DateTime deadline = DateTime.UtcNow + bound;
        foreach ((PSSession session, PowerShell shell, IAsyncResult pending) in checks)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            int signalled = WaitHandle.WaitAny(new[] { pending.AsyncWaitHandle, stop }, left > TimeSpan.Zero ? left : TimeSpan.Zero);
            if (signalled != 0)
            {
                if (signalled == WaitHandle.WaitTimeout)
                {
                    errors.Add(ErrorRecordFactory.Create(
                        new TimeoutException($"Session {Describe(session)} did not answer within {bound.TotalSeconds:0} s when asked for its LoadTest version. {NothingSent}"),
                        ErrorIds.RemoteSessionNotResponding,
                        ErrorCategory.OperationTimeout,
                        Describe(session)));
                }

                // Neither waited for nor stopped: a stop that a session never acknowledges can bring this process down
                // once the session's connection closes (see FleetWorker.StopIfAnswering).
                continue;
            }

            try
            {
                PSDataCollection<PSObject> answer = shell.EndInvoke(pending);
                string text = answer.Count > 0 ? answer[answer.Count - 1]?.BaseObject?.ToString() ?? string.Empty : string.Empty;
                if (!Version.TryParse(text, out Version? theirs) || Normalized(theirs) != Normalized(version))
                {
                    errors.Add(ErrorRecordFactory.Create(
                        new InvalidOperationException(
                            $"Session {Describe(session)} runs LoadTest {(text.Length > 0 ? text : "of no known version")}, this session LoadTest {Normalized(version)}: " +
                            $"a share's parameters and reports are those of its version, so both must be the same. Import LoadTest {Normalized(version)} there " +
                            $"(or give -RemoteModule its path there; Remove-Module LoadTest first when the session has another). {NothingSent}"),
                        ErrorIds.RemoteModuleVersionMismatch,
                        ErrorCategory.InvalidOperation,
                        Describe(session)));
                }

                shell.Dispose();
            }
            catch (RuntimeException ex)
            {
                shell.Dispose();
                errors.Add(ErrorRecordFactory.Create(
                    new InvalidOperationException($"Session {Describe(session)} could not import LoadTest ('{module}'): {ex.Message} {NothingSent}", ex),
                    ErrorIds.RemoteModuleNotImported,
                    ErrorCategory.ResourceUnavailable,
                    Describe(session)));
            }
            catch (InvalidOperationException ex)
            {
                shell.Dispose();
                errors.Add(Failed(session, ex));
            }
        }

        return errors;
    }

    /// <summary>The session as an error or a summary names it: "Name (ComputerName)".</summary>
    public static string Describe(PSSession session) => $"{session.Name} ({session.ComputerName})";

    private static Version Normalized(Version version) => new(version.Major, version.Minor, Math.Max(0, version.Build));

    private static ErrorRecord Failed(PSSession session, Exception ex) => ErrorRecordFactory.Create(
        new InvalidOperationException($"Session {Describe(session)} cannot run a command: {ex.Message} {NothingSent}", ex),
        ErrorIds.RemoteRunFailed,
        ErrorCategory.ConnectionError,
        Describe(session));
}
