using System;
using System.Collections.Generic;
using System.Globalization;
using System.Security.Cryptography;

namespace LoadTest.Engine.Metrics;

/// <summary>
/// What tells one run's metrics from another's: the run's name, and the machine it runs on (under a fan-out,
/// each session's machine serves its own share with the same run name).
/// </summary>
internal sealed class RunLabels
{
    /// <summary>The label that names the run.</summary>
    public const string RunName = "run";

    /// <summary>The label that names the machine the run's requests were sent from.</summary>
    public const string HostName = "host";

    public RunLabels(string run, string host)
    {
        Run = run;
        Host = host;
    }

    public string Run { get; }

    public string Host { get; }

    /// <summary>The labels for this machine: the given run name, or a new one (UTC start time and four random hex digits).</summary>
    public static RunLabels ForThisMachine(string? run) => new(
        string.IsNullOrEmpty(run) ? NewRunName(DateTime.UtcNow) : run,
        Environment.MachineName);

    public static string NewRunName(DateTime utcNow) =>
        utcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + RandomNumberGenerator.GetHexString(4, lowercase: true);

    /// <summary>The labels as a Meter's tags.</summary>
    public KeyValuePair<string, object?>[] AsTags() => new KeyValuePair<string, object?>[] { new(RunName, Run), new(HostName, Host) };

    /// <summary>The labels by name, as an endpoint's labels on every series.</summary>
    public Dictionary<string, string> AsDictionary() => new(StringComparer.Ordinal) { [RunName] = Run, [HostName] = Host };
}
