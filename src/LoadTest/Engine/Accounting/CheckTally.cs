using System;
using System.Collections.Generic;
using System.Globalization;
using LoadTest.Engine.Checks;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// Passes and failures per check name, for the summary: folded from live results (a check set and the
/// mask of what failed) and from whole summaries alike, so merged counts are the sums of their parts.
/// Names keep the order they were first seen in. Not thread-safe, like the builder it belongs to.
/// </summary>
internal sealed class CheckTally
{
    private readonly List<string> _names = new();
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private long[] _passed = new long[8];
    private long[] _failed = new long[8];
    private CheckSet? _lastSet;
    private int[] _lastSlots = Array.Empty<int>();

    /// <summary>Counts one response judged by <paramref name="set"/>: bit i of <paramref name="failed"/> set for each check i that failed.</summary>
    /// <param name="set">The checks the response was judged by.</param>
    /// <param name="failed">Which failed.</param>
    /// <param name="count">False to only list the set's checks (in their order), counting nothing.</param>
    public void Add(CheckSet set, ulong failed, bool count = true)
    {
        if (!ReferenceEquals(set, _lastSet))
        {
            _lastSlots = SlotsOf(set);
            _lastSet = set;
        }

        if (!count)
        {
            return;
        }

        int[] slots = _lastSlots;
        for (int i = 0; i < slots.Length; i++)
        {
            if ((failed & (1UL << i)) != 0)
            {
                _failed[slots[i]]++;
            }
            else
            {
                _passed[slots[i]]++;
            }
        }
    }

    /// <summary>Adds the check counts of a summary read back by name (live, or a copy back from remoting, Import-Clixml or JSON).</summary>
    public void AddSummary(ISummaryFields summary)
    {
        foreach (ISummaryFields check in summary.Items("Checks"))
        {
            string name = check.Text("Name") is { Length: > 0 } text
                ? text
                : throw new FormatException("A check of the summary has no name: the summary was serialized too shallow for its checks (they need two levels below the summary).");
            Add(name, (long)check.Number("Passed"), (long)check.Number("Failed"));
        }
    }

    public CheckCounts ToCounts()
    {
        var counts = new List<CheckCount>(_names.Count);
        for (int i = 0; i < _names.Count; i++)
        {
            counts.Add(new CheckCount(_names[i], _passed[i], _failed[i]));
        }

        return new CheckCounts(counts);
    }

    private void Add(string name, long passed, long failed)
    {
        if (passed < 0 || failed < 0)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"The check '{name}' has negative counts ({passed} passed, {failed} failed)."));
        }

        int slot = SlotOf(name);
        _passed[slot] += passed;
        _failed[slot] += failed;
    }

    private int[] SlotsOf(CheckSet set)
    {
        var slots = new int[set.Count];
        for (int i = 0; i < slots.Length; i++)
        {
            slots[i] = SlotOf(set.Names[i]);
        }

        return slots;
    }

    private int SlotOf(string name)
    {
        if (_slots.TryGetValue(name, out int slot))
        {
            return slot;
        }

        slot = _names.Count;
        _names.Add(name);
        _slots.Add(name, slot);
        if (slot == _passed.Length)
        {
            Array.Resize(ref _passed, slot * 2);
            Array.Resize(ref _failed, slot * 2);
        }

        return slot;
    }
}
