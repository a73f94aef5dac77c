using System;
using System.Collections.Generic;
using LoadTest.Engine.Checks;

namespace LoadTest.Engine.Metrics;

/// <summary>
/// Passes and failures per check name for a run's metrics, with each name's tags built once. A run judges
/// its responses by one check set (a flow, by one per step): the slots of the set last seen are kept, so a
/// result costs a reference comparison and one add per check.
/// </summary>
internal sealed class CheckCounter
{
    /// <summary>The check's name, as the summary counts it ("StatusCode 200").</summary>
    public const string CheckTag = "check";

    /// <summary>"pass" or "fail".</summary>
    public const string ResultTag = "result";

    private readonly object _lock = new();
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly List<string> _names = new();
    private readonly List<KeyValuePair<string, object?>[]> _passTags = new();
    private readonly List<KeyValuePair<string, object?>[]> _failTags = new();
    private long[] _passed = new long[8];
    private long[] _failed = new long[8];
    private CheckSet? _lastSet;
    private int[] _lastSlots = Array.Empty<int>();

    /// <summary>Counts one judged response: bit i of <paramref name="failed"/> set for each check i of <paramref name="set"/> that failed.</summary>
    /// <param name="set">The checks the response was judged by.</param>
    /// <param name="failed">Which failed.</param>
    /// <param name="onEach">Called for each check with its tags and whether it passed (for the Meter); null for none.</param>
    public void Add(CheckSet set, ulong failed, Action<KeyValuePair<string, object?>[]>? onEach)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(set, _lastSet))
            {
                _lastSlots = SlotsOf(set);
                _lastSet = set;
            }

            int[] slots = _lastSlots;
            for (int i = 0; i < slots.Length; i++)
            {
                bool fail = (failed & (1UL << i)) != 0;
                if (fail)
                {
                    _failed[slots[i]]++;
                }
                else
                {
                    _passed[slots[i]]++;
                }

                onEach?.Invoke(fail ? _failTags[slots[i]] : _passTags[slots[i]]);
            }
        }
    }

    /// <summary>Each check's name with its passes and failures so far, in the order they were first seen.</summary>
    public List<(string Name, long Passed, long Failed)> Snapshot()
    {
        lock (_lock)
        {
            var counts = new List<(string, long, long)>(_names.Count);
            for (int i = 0; i < _names.Count; i++)
            {
                counts.Add((_names[i], _passed[i], _failed[i]));
            }

            return counts;
        }
    }

    private int[] SlotsOf(CheckSet set)
    {
        var slots = new int[set.Count];
        for (int i = 0; i < slots.Length; i++)
        {
            string name = set.Names[i];
            if (!_slots.TryGetValue(name, out int slot))
            {
                slot = _names.Count;
                _names.Add(name);
                _slots.Add(name, slot);
                _passTags.Add(new KeyValuePair<string, object?>[] { new(CheckTag, name), new(ResultTag, "pass") });
                _failTags.Add(new KeyValuePair<string, object?>[] { new(CheckTag, name), new(ResultTag, "fail") });
                if (slot == _passed.Length)
                {
                    Array.Resize(ref _passed, slot * 2);
                    Array.Resize(ref _failed, slot * 2);
                }
            }

            slots[i] = slot;
        }

        return slots;
    }
}
