using System;
using System.Collections.Generic;
using System.Numerics;

namespace LoadTest.Engine.Checks;

/// <summary>
/// The checks every response of a run (or of a flow's step) must pass, in a fixed order, compiled once.
/// Each response is judged by all of them, so that every check counts a pass or a failure; the result
/// carries which failed as a bit mask, and the summary counts them by name.
/// </summary>
internal sealed class CheckSet
{
    /// <summary>The most checks one set holds: a response's outcome is one bit per check in a ulong.</summary>
    public const int MaxChecks = 64;

    private readonly Check[] _checks;

    /// <param name="checks">In the order their results are shown; names must be distinct.</param>
    /// <param name="scope">What the summary counts them under besides their names (a flow step's name); null for none.</param>
    public CheckSet(IReadOnlyList<Check> checks, string? scope = null)
    {
        if (checks.Count > MaxChecks)
        {
            throw new ArgumentException($"A set holds at most {MaxChecks} checks; this one has {checks.Count}.", nameof(checks));
        }

        _checks = new Check[checks.Count];
        var names = new string[checks.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < checks.Count; i++)
        {
            if (!seen.Add(checks[i].Name))
            {
                throw new ArgumentException($"Two checks have the name '{checks[i].Name}'.", nameof(checks));
            }

            _checks[i] = checks[i];
            names[i] = scope is null ? checks[i].Name : scope + ": " + checks[i].Name;
            Needs |= checks[i].Needs;
        }

        Names = names;
    }

    /// <summary>The same checks counted under a scope (a flow step's name), so that two steps' checks keep apart.</summary>
    public CheckSet Scoped(string scope) => new(_checks, scope);

    /// <summary>The checks' names, in order: bit i of an outcome is check i.</summary>
    public IReadOnlyList<string> Names { get; }

    public int Count => _checks.Length;

    /// <summary>What of a response the checks read: the body is captured, and every header kept, only when one does.</summary>
    public CheckNeeds Needs { get; }

    public bool NeedsBody => (Needs & CheckNeeds.Body) != 0;

    public bool NeedsHeaders => (Needs & CheckNeeds.Headers) != 0;

    /// <summary>
    /// Judges one response by every check; returns the failed ones as a mask (0 when all passed), and the
    /// error that names the first failed check and what the response held instead.
    /// </summary>
    public ulong Evaluate(ref CheckResponse response, ICheckContext context, out string? error)
    {
        ulong failed = 0;
        for (int i = 0; i < _checks.Length; i++)
        {
            if (!_checks[i].Passes(ref response, context))
            {
                failed |= 1UL << i;
            }
        }

        error = failed == 0 ? null : Describe(failed, ref response, context);
        return failed;
    }

    private string Describe(ulong failed, ref CheckResponse response, ICheckContext context)
    {
        Check first = _checks[BitOperations.TrailingZeroCount(failed)];
        int others = BitOperations.PopCount(failed) - 1;
        string more = others switch
        {
            0 => string.Empty,
            1 => " (1 more check failed)",
            _ => $" ({others} more checks failed)",
        };
        return $"Check '{first.Name}' failed: {first.Seen(ref response, context)}.{more}";
    }
}
