using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LoadTest;

/// <summary>
/// One stage of a run's schedule (-Stage): for its duration the target moves in a straight line from the
/// previous stage's target to this one (to hold a target, repeat it). The target is a rate (requests started
/// per second, an open model) or an in-flight limit (ThrottleLimit, a closed model); a run uses one kind.
/// </summary>
public sealed class LoadStage
{
    private static readonly Regex s_units = new(@"\G(\d+(?:\.\d+)?)(ms|s|m|h)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex s_stage = new(@"^(\S+) to (\d+(?:\.\d+)?) (req/s|in flight)$", RegexOptions.CultureInvariant);

    /// <summary>How long the stage lasts.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>The rate reached at the stage's end (requests started per second); null in a concurrency stage.</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>The in-flight limit reached at the stage's end; null in a rate stage.</summary>
    public int? ThrottleLimit { get; set; }

    /// <summary>The target's value, whichever kind it is.</summary>
    internal double Target => RequestsPerSecond ?? ThrottleLimit ?? 0;

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{FormatDuration(Duration)} to {(RequestsPerSecond is { } rate ? $"{rate:0.###} req/s" : $"{ThrottleLimit} in flight")}");

    /// <summary>Reads stages as <see cref="ToString"/> writes them, joined by ", "; null when any part is not a stage.</summary>
    internal static List<LoadStage>? ParseList(string text)
    {
        var stages = new List<LoadStage>();
        foreach (string part in text.Split(", "))
        {
            Match match = s_stage.Match(part.Trim());
            if (!match.Success || !TryParseDuration(match.Groups[1].Value, out TimeSpan duration))
            {
                return null;
            }

            double target = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            stages.Add(match.Groups[3].Value == "req/s"
                ? new LoadStage { Duration = duration, RequestsPerSecond = target }
                : new LoadStage { Duration = duration, ThrottleLimit = (int)target });
        }

        return stages;
    }

    /// <summary>Reads a duration as load testers write it and <see cref="FormatDuration"/> writes it: '500ms', '30s', '2m', '1h30m'.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan span)
    {
        span = TimeSpan.Zero;
        int at = 0;
        for (Match match = s_units.Match(text); match.Success && match.Index == at; match = match.NextMatch())
        {
            double amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            span += match.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromHours(amount),
            };
            at += match.Length;
        }

        return at > 0 && at == text.Length;
    }

    internal static string FormatDuration(TimeSpan span) => span.TotalSeconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0.###}ms"),
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###}s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.###}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.###}h"),
    };
}
