using System;
using System.Collections.Generic;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// The rows of a time series keyed by their start (UTC ticks on a multiple of the interval). Past
/// <see cref="MaxRows"/> rows the interval doubles and rows merge two by two, so memory stays bounded for any
/// run length. The newest rows keep live histograms (results completing late still land there cheaply);
/// older rows are sealed.
/// </summary>
internal sealed class SeriesBuckets
{
    /// <summary>The most rows a series keeps: a day at one-second rows becomes 2,700 rows of 64 s.</summary>
    public const int MaxRows = 2000;

    // Rows this far behind the newest keep live histograms; older rows keep theirs encoded.
    private const int LiveRows = 3;

    private readonly SortedDictionary<long, SeriesRow> _rows = new();
    private readonly List<long> _live = new();
    private long _newest = long.MinValue;
    private long _lastKey = long.MinValue;

    // The first row changed since the rows were last taken by ChangedRows: all of them before the first time.
    private long _changedFrom = long.MinValue;
    private SeriesRow? _lastRow;

    public SeriesBuckets(TimeSpan interval)
    {
        IntervalTicks = Math.Max(TimeSpan.TicksPerMillisecond, interval.Ticks);
    }

    /// <summary>Histograms the live rows can hold, kept for reuse: more would only keep memory.</summary>
    public HistogramPool Pool { get; } = new(RowHistograms.Kinds * (LiveRows + 2));

    public long IntervalTicks { get; private set; }

    /// <summary>The start of the first row changed since <see cref="TookChanges"/>; long.MaxValue when none.</summary>
    public long ChangedFrom => _changedFrom;

    /// <summary>The changed rows were taken: none is changed now.</summary>
    public void TookChanges() => _changedFrom = long.MaxValue;

    public int Count => _rows.Count;

    /// <summary>The rows, oldest first.</summary>
    public IEnumerable<KeyValuePair<long, SeriesRow>> Rows => _rows;

    public long FirstKey => First(_rows.Keys);

    public long LastKey
    {
        get
        {
            long last = long.MinValue;
            foreach (long key in _rows.Keys)
            {
                last = key;
            }

            return last;
        }
    }

    /// <summary>The start of the interval that holds these UTC ticks.</summary>
    public long KeyOf(long utcTicks) => utcTicks - (utcTicks % IntervalTicks);

    /// <summary>The row of the interval that holds these UTC ticks, made when there is none.</summary>
    public SeriesRow At(long utcTicks)
    {
        long key = KeyOf(utcTicks);
        if (key < _changedFrom)
        {
            _changedFrom = key;
        }

        if (key == _lastKey)
        {
            return _lastRow!;
        }

        if (!_rows.TryGetValue(key, out SeriesRow? row))
        {
            row = new SeriesRow();
            _rows.Add(key, row);
            if (key > _newest && _newest != long.MinValue)
            {
                // The empty rows between the newest and this one are new too.
                _changedFrom = Math.Min(_changedFrom, _newest + IntervalTicks);
            }
        }

        if (key > _newest)
        {
            _newest = key;
            SealOld();
        }

        _lastKey = key;
        _lastRow = row;
        return row;
    }

    /// <summary>The row, noted as live: its histograms are about to be filled.</summary>
    public SeriesRow Live(SeriesRow row, long utcTicks)
    {
        if (!row.Histograms.IsLive)
        {
            _live.Add(KeyOf(utcTicks));
        }

        return row;
    }

    /// <summary>Doubles the interval until it is at least this long (rows of a coarser series come in).</summary>
    public void GrowTo(long intervalTicks)
    {
        while (intervalTicks > IntervalTicks)
        {
            Double();
        }
    }

    /// <summary>Merges rows two by two while there are too many.</summary>
    public void Coarsen()
    {
        while (_rows.Count > MaxRows)
        {
            Double();
        }
    }

    private static long First(IEnumerable<long> keys)
    {
        foreach (long key in keys)
        {
            return key;
        }

        return 0;
    }

    private void SealOld()
    {
        long keepFrom = _newest - (LiveRows * IntervalTicks);
        for (int i = _live.Count - 1; i >= 0; i--)
        {
            if (_live[i] < keepFrom)
            {
                if (_rows.TryGetValue(_live[i], out SeriesRow? row))
                {
                    row.Histograms.Seal(Pool);
                }

                _live.RemoveAt(i);
            }
        }
    }

    /// <summary>Doubles the interval: each pair of rows on the new boundaries becomes one.</summary>
    private void Double()
    {
        IntervalTicks *= 2;
        _changedFrom = long.MinValue;
        _lastKey = long.MinValue;
        _lastRow = null;
        var old = new List<KeyValuePair<long, SeriesRow>>(_rows);
        _rows.Clear();
        _live.Clear();
        _newest = long.MinValue;
        foreach (KeyValuePair<long, SeriesRow> pair in old)
        {
            long key = KeyOf(pair.Key);
            if (_rows.TryGetValue(key, out SeriesRow? into))
            {
                into.Merge(pair.Value, Pool);
            }
            else
            {
                _rows.Add(key, pair.Value);
            }

            _newest = Math.Max(_newest, key);
        }

        foreach (KeyValuePair<long, SeriesRow> pair in _rows)
        {
            if (pair.Value.Histograms.IsLive)
            {
                _live.Add(pair.Key);
            }
        }

        SealOld();
    }
}
