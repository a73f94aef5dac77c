using System;
using System.Text.RegularExpressions;

namespace LoadTest.Engine.Checks;

/// <summary>How a check's regular expression is compiled and run: once, compiled, and never for long.</summary>
internal static class CheckPattern
{
    /// <summary>The most time one match may take: a pattern that backtracks without end fails its check instead.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Compiles a pattern; throws ArgumentException when it is not a valid .NET regular expression.</summary>
    public static Regex Compile(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);

    /// <summary>True when the pattern matches; false, with <paramref name="timedOut"/> set, when it ran out of time.</summary>
    public static bool IsMatch(Regex regex, ReadOnlySpan<char> input, out bool timedOut)
    {
        timedOut = false;
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            timedOut = true;
            return false;
        }
    }

    public static string TimedOut => $"the pattern took longer than {MatchTimeout.TotalSeconds:0.###} s to match";
}
