using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using HdrHistogram;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// Folds results (and rows of other time series) into rows of one interval each, on wall-clock boundaries
/// (UTC), so that series of runs made side by side merge exactly. A request counts as started in the row of
/// its start and completed, with its latency, in the row of its end. Past <see cref="MaxRows"/> rows the
/// interval doubles and rows merge two by two, so memory stays bounded for any run length. The row being
/// filled keeps live histograms; older rows keep them encoded. Not thread-safe: callers serialise its use.
/// </summary>
internal sealed class TimeSeriesBuilder
{
    /// <summary>The most rows a series keeps: a day at one-second rows becomes 2,700 rows of 64 s.</summary>
    public const int MaxRows = 2000;

    // Rows this far behind the newest keep live histograms (results completing late still land there
    // cheaply); older rows keep theirs encoded, a few hundred bytes instead of two 190 KB histograms.
    private const int LiveRows = 3;

    // Live histograms kept for reuse: as many as the live rows hold. More would only keep memory (190 KB each).
    private const int MaxSpare = 2 * (LiveRows + 2);

    // The row of an interval in which nothing happened: sealed once, shared by every gap.
    private static readonly Row s_empty = Row.Empty();

    private readonly SortedDictionary<long, Row> _rows = new();
    private readonly List<long> _live = new();
    private readonly Stack<LongHistogram> _spare = new();
    private long _intervalTicks;
    private long _newest = long.MinValue;
    private long _utcOffsetTicks = long.MinValue;
    private long _lastKey = long.MinValue;
    private Row? _lastRow;
    private Func<double, double>? _plannedBefore;
    private long _planStartTicks;

    // The first row changed since the rows were last taken by ChangedRows: all of them before the first time.
    private long _changedFrom = long.MinValue;

    private readonly bool _scheduled;

    /// <param name="interval">The first interval of the rows.</param>
    /// <param name="scheduled">False when every corrected latency equals the latency (no rate schedule): it is recorded once.</param>
    public TimeSeriesBuilder(TimeSpan interval, bool scheduled = true)
    {
        _scheduled = scheduled;
        _intervalTicks = Math.Max(TimeSpan.TicksPerMillisecond, interval.Ticks);
    }

    public TimeSpan Interval => TimeSpan.FromTicks(_intervalTicks);

    public int RowCount => _rows.Count;

    /// <summary>The schedule's requests planned from its start (UTC) to a number of seconds after it; each live row shows its share as a rate.</summary>
    public void Plan(Func<double, double> plannedBefore, DateTime startUtc)
    {
        _plannedBefore = plannedBefore;
        _planStartTicks = startUtc.Ticks;
    }

    public void Add(RequestResult result)
    {
        // Results carry local time; the offset to UTC is taken once (a zone lookup per result costs more than the rest).
        if (_utcOffsetTicks == long.MinValue)
        {
            _utcOffsetTicks = result.StartTime.Kind == DateTimeKind.Utc ? 0 : TimeZoneInfo.Local.GetUtcOffset(result.StartTime).Ticks;
        }

        long start = result.StartTime.Ticks - _utcOffsetTicks;
        long end = start + (long)(result.ElapsedMs * TimeSpan.TicksPerMillisecond);
        RowAt(start).Started++;
        Row row = RowAt(end);
        row.Completed++;
        row.BytesReceived += result.BytesReceived;
        if (!result.Success)
        {
            row.Failed++;
            row.CountError(result.Kind);
        }

        if (result.StatusCode != 0)
        {
            row.CountStatus(result.StatusCode, 1);
        }

        Live(row, end).Record(result.ElapsedMs, _scheduled ? result.CorrectedElapsedMs : double.NaN, _spare);
        Coarsen();
    }

    /// <summary>Adds a row of another series (read back by name); it lands in the row of the same start, or the coarser one that holds it.</summary>
    public void AddRow(ISummaryFields source)
    {
        double seconds = source.Number("IntervalSeconds");
        long ticks = (long)Math.Round(seconds * TimeSpan.TicksPerSecond);
        while (ticks > _intervalTicks)
        {
            Double();
        }

        Row row = RowAt(source.Time("StartTime").ToUniversalTime().Ticks);
        row.Started += (long)source.Number("Started");
        row.Completed += (long)source.Number("Completed");
        row.Failed += (long)source.Number("Failed");
        row.BytesReceived += (long)source.Number("BytesReceived");
        row.InFlightSeen += (long)source.Number("InFlight");
        row.Planned += source.Number("PlannedRequestsPerSecond") * seconds;
        foreach (KeyValuePair<string, long> pair in source.Counts("StatusCodeCounts"))
        {
            row.CountStatus(int.Parse(pair.Key, NumberStyles.Integer, CultureInfo.InvariantCulture), pair.Value);
        }

        foreach (KeyValuePair<string, long> pair in source.Counts("ErrorKindCounts"))
        {
            row.AddCount(ref row.ErrorKinds, pair.Key, pair.Value);
        }

        string histogram = source.Text("Histogram") ?? string.Empty;
        Live(row, source.Time("StartTime").ToUniversalTime().Ticks).Add(LatencyHistogram.Decode(histogram), LatencyHistogram.Decode(source.Text("CorrectedHistogram") ?? histogram), _spare);
        row.FromOtherSeries = true;
        Coarsen();
    }

    /// <summary>P50 and P99 (ms) of the last interval that has ended and had answers; null before there is one.</summary>
    public (double P50Ms, double P99Ms)? LastInterval(long nowUtcTicks)
    {
        long current = nowUtcTicks - (nowUtcTicks % _intervalTicks);
        Row? last = null;
        foreach (KeyValuePair<long, Row> pair in _rows)
        {
            if (pair.Key < current && pair.Value.Completed > 0)
            {
                last = pair.Value;
            }
        }

        if (last is null)
        {
            return null;
        }

        LatencyStats stats = LatencyStats.FromHistogram(last.Latency());
        return (stats.P50Ms, stats.P99Ms);
    }

    /// <summary>
    /// The rows, oldest first. An interval inside the series in which nothing started or ended still gets a
    /// row (of zeros, and its share of the plan), so that charts show the pause and the plan adds up; a
    /// series whose span holds more than <see cref="MaxRows"/> intervals (merged runs far apart) keeps its gaps.
    /// </summary>
    public List<TimeSeriesRow> ToRows() => ToRows(long.MinValue);

    /// <summary>
    /// The rows changed since the last call (every row the first time, or after the interval doubled), for a
    /// report of a run in progress: a reader that replaces its rows of the same start with these has the series.
    /// </summary>
    public List<TimeSeriesRow> ChangedRows()
    {
        if (_rows.Count == 0 || _changedFrom == long.MaxValue)
        {
            // Before the first row nothing is taken: the rows from the plan's start come with it.
            return new List<TimeSeriesRow>();
        }

        List<TimeSeriesRow> rows = ToRows(_changedFrom);
        _changedFrom = long.MaxValue;
        return rows;
    }

    // The rows from the one that starts at these UTC ticks on; the rows before still count towards each row's in-flight.
    private List<TimeSeriesRow> ToRows(long from)
    {
        var rows = new List<TimeSeriesRow>(from == long.MinValue ? _rows.Count : 4);
        long started = 0;
        long completed = 0;
        long? previous = null;
        long first = _rows.Count > 0 ? _rows.Keys.First() : 0;
        if (_plannedBefore is not null && _rows.Count > 0)
        {
            // A scheduled run's rows begin where its plan does, though its first request may start an interval or more later.
            first = Math.Min(first, _planStartTicks - (_planStartTicks % _intervalTicks));
        }

        bool dense = _rows.Count > 0 && (_rows.Keys.Last() - first) / _intervalTicks < MaxRows;
        if (dense && first < _rows.Keys.First())
        {
            previous = first - _intervalTicks;
        }

        foreach (KeyValuePair<long, Row> pair in _rows)
        {
            for (long gap = (previous ?? pair.Key) + _intervalTicks; dense && gap < pair.Key; gap += _intervalTicks)
            {
                if (gap >= from)
                {
                    rows.Add(ToRow(gap, s_empty, pair.Value.FromOtherSeries ? 0 : started - completed));
                }
            }

            previous = pair.Key;
            Row row = pair.Value;
            started += row.Started;
            completed += row.Completed;
            if (pair.Key >= from)
            {
                rows.Add(ToRow(pair.Key, row, row.FromOtherSeries ? row.InFlightSeen : started - completed));
            }
        }

        return rows;
    }

    private TimeSeriesRow ToRow(long key, Row row, long inFlight)
    {
        HistogramBase latency = row.Latency();
        HistogramBase corrected = _scheduled ? row.CorrectedLatency() : latency;
        string latencyCode = row.LatencyCode ?? LatencyHistogram.Encode(latency);
        string correctedCode = _scheduled ? row.CorrectedCode ?? LatencyHistogram.Encode(corrected) : latencyCode;
        return new TimeSeriesRow(
            new DateTime(key, DateTimeKind.Utc),
            (double)_intervalTicks / TimeSpan.TicksPerSecond,
            row.Started,
            row.Completed,
            row.Failed,
            row.BytesReceived,
            inFlight,
            (row.FromOtherSeries ? row.Planned : PlannedIn(key)) * TimeSpan.TicksPerSecond / _intervalTicks,
            row.FormatStatusCodes(),
            row.FormatErrorKinds(),
            LatencyStats.FromHistogram(latency),
            LatencyStats.FromHistogram(corrected),
            latencyCode,
            correctedCode);
    }

    // Requests the schedule planned for the row that starts at these UTC ticks.
    private double PlannedIn(long rowStart)
    {
        if (_plannedBefore is null)
        {
            return 0;
        }

        double from = (double)(rowStart - _planStartTicks) / TimeSpan.TicksPerSecond;
        double to = (double)(rowStart + _intervalTicks - _planStartTicks) / TimeSpan.TicksPerSecond;
        return Math.Round(_plannedBefore(to) - _plannedBefore(Math.Max(0, from)), 6);
    }

    /// <summary>Parses the "key=count; key=count" text of a row's counts.</summary>
    public static Dictionary<string, long> ParseCounts(string text)
    {
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                counts[part[..equals]] = long.Parse(part[(equals + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }

    private Row RowAt(long utcTicks)
    {
        long key = utcTicks - (utcTicks % _intervalTicks);
        if (key < _changedFrom)
        {
            _changedFrom = key;
        }

        if (key == _lastKey)
        {
            return _lastRow!;
        }

        if (!_rows.TryGetValue(key, out Row? row))
        {
            row = new Row();
            _rows.Add(key, row);
            if (key > _newest && _newest != long.MinValue)
            {
                // The empty rows between the newest and this one are new too.
                _changedFrom = Math.Min(_changedFrom, _newest + _intervalTicks);
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
    private Row Live(Row row, long utcTicks)
    {
        if (!row.IsLive)
        {
            _live.Add(utcTicks - (utcTicks % _intervalTicks));
        }

        return row;
    }

    private void SealOld()
    {
        long keepFrom = _newest - (LiveRows * _intervalTicks);
        for (int i = _live.Count - 1; i >= 0; i--)
        {
            if (_live[i] < keepFrom)
            {
                if (_rows.TryGetValue(_live[i], out Row? row))
                {
                    row.Seal(_spare);
                }

                _live.RemoveAt(i);
            }
        }
    }

    private void Coarsen()
    {
        while (_rows.Count > MaxRows)
        {
            Double();
        }
    }

    /// <summary>Doubles the interval: each pair of rows on the new boundaries becomes one.</summary>
    private void Double()
    {
        _intervalTicks *= 2;
        _changedFrom = long.MinValue;
        _lastKey = long.MinValue;
        _lastRow = null;
        var old = new List<KeyValuePair<long, Row>>(_rows);
        _rows.Clear();
        _live.Clear();
        _newest = long.MinValue;
        foreach (KeyValuePair<long, Row> pair in old)
        {
            long key = pair.Key - (pair.Key % _intervalTicks);
            if (_rows.TryGetValue(key, out Row? into))
            {
                into.Merge(pair.Value, _spare);
            }
            else
            {
                _rows.Add(key, pair.Value);
            }

            _newest = Math.Max(_newest, key);
        }

        foreach (KeyValuePair<long, Row> pair in _rows)
        {
            if (pair.Value.IsLive)
            {
                _live.Add(pair.Key);
            }
        }

        SealOld();
    }

    /// <summary>One row while it is being built.</summary>
    private sealed class Row
    {
        public long Started;
        public long Completed;
        public long Failed;
        public long BytesReceived;
        public long InFlightSeen;
        public double Planned; // requests planned in the row, for rows of other series
        public bool FromOtherSeries;
        public SortedDictionary<string, long>? ErrorKinds;
        private SortedDictionary<int, long>? _statusCodes;
        private long[]? _errorKinds;
        private LongHistogram? _latency;
        private LongHistogram? _corrected;

        public bool IsLive => _latency is not null;

        /// <summary>The encoded histograms of a sealed row; null while the row is live or empty.</summary>
        public string? LatencyCode { get; private set; }

        public string? CorrectedCode { get; private set; }

        public void AddCount(ref SortedDictionary<string, long>? counts, string key, long count)
        {
            counts ??= new SortedDictionary<string, long>(StringComparer.Ordinal);
            counts[key] = counts.GetValueOrDefault(key) + count;
        }

        public void CountStatus(int status, long count)
        {
            _statusCodes ??= new SortedDictionary<int, long>();
            _statusCodes[status] = _statusCodes.GetValueOrDefault(status) + count;
        }

        public void CountError(RequestErrorKind kind)
        {
            _errorKinds ??= new long[Enum.GetValues<RequestErrorKind>().Length];
            _errorKinds[(int)kind]++;
        }

        /// <summary>"200=97; 500=3": text that Export-Csv keeps as it is.</summary>
        public string FormatStatusCodes()
        {
            var counts = new CountDictionary();
            foreach (KeyValuePair<int, long> pair in _statusCodes ?? new SortedDictionary<int, long>())
            {
                counts[pair.Key.ToString(CultureInfo.InvariantCulture)] = pair.Value;
            }

            return counts.ToString();
        }

        public string FormatErrorKinds()
        {
            var counts = new CountDictionary();
            foreach (KeyValuePair<string, long> pair in ErrorKinds ?? new SortedDictionary<string, long>())
            {
                counts[pair.Key] = pair.Value;
            }

            for (int kind = 0; _errorKinds is not null && kind < _errorKinds.Length; kind++)
            {
                if (_errorKinds[kind] > 0)
                {
                    string name = ((RequestErrorKind)kind).ToString();
                    counts[name] = counts.GetValueOrDefault(name) + _errorKinds[kind];
                }
            }

            return counts.ToString();
        }

        public void Record(double elapsedMs, double correctedMs, Stack<LongHistogram> spare)
        {
            Revive(spare);
            LatencyHistogram.Record(_latency!, elapsedMs);
            if (!double.IsNaN(correctedMs))
            {
                LatencyHistogram.Record(_corrected!, correctedMs);
            }
        }

        public void Add(HistogramBase latency, HistogramBase corrected, Stack<LongHistogram> spare)
        {
            Revive(spare);
            _latency!.Add(latency);
            _corrected!.Add(corrected);
        }

        public HistogramBase Latency() => _latency ?? (LatencyCode is null ? LatencyHistogram.Create() : LatencyHistogram.Decode(LatencyCode));

        public HistogramBase CorrectedLatency() => _corrected ?? (CorrectedCode is null ? LatencyHistogram.Create() : LatencyHistogram.Decode(CorrectedCode));

        /// <summary>A sealed row with nothing in it.</summary>
        public static Row Empty()
        {
            string code = LatencyHistogram.Encode(LatencyHistogram.Create());
            return new Row { LatencyCode = code, CorrectedCode = code };
        }

        /// <summary>Encodes the histograms and gives the live ones back for reuse.</summary>
        public void Seal(Stack<LongHistogram> spare)
        {
            if (_latency is null)
            {
                return;
            }

            LatencyCode = LatencyHistogram.Encode(_latency);
            CorrectedCode = LatencyHistogram.Encode(_corrected!);
            GiveBack(spare, _latency);
            GiveBack(spare, _corrected!);
            _latency = null;
            _corrected = null;
        }

        /// <summary>Live histograms again (a result arrived late for a sealed row), holding what was encoded.</summary>
        private void Revive(Stack<LongHistogram> spare)
        {
            if (_latency is not null)
            {
                return;
            }

            _latency = spare.Count > 0 ? spare.Pop() : LatencyHistogram.Create();
            _corrected = spare.Count > 0 ? spare.Pop() : LatencyHistogram.Create();
            if (LatencyCode is not null)
            {
                _latency.Add(LatencyHistogram.Decode(LatencyCode));
                _corrected.Add(LatencyHistogram.Decode(CorrectedCode!));
                LatencyCode = null;
                CorrectedCode = null;
            }
        }

        public void Merge(Row other, Stack<LongHistogram> spare)
        {
            Started += other.Started;
            Completed += other.Completed;
            Failed += other.Failed;
            BytesReceived += other.BytesReceived;
            InFlightSeen = other.InFlightSeen;
            Planned += other.Planned;
            FromOtherSeries |= other.FromOtherSeries;
            foreach (KeyValuePair<int, long> pair in other._statusCodes ?? new SortedDictionary<int, long>())
            {
                CountStatus(pair.Key, pair.Value);
            }

            for (int kind = 0; other._errorKinds is not null && kind < other._errorKinds.Length; kind++)
            {
                _errorKinds ??= new long[other._errorKinds.Length];
                _errorKinds[kind] += other._errorKinds[kind];
            }

            foreach (KeyValuePair<string, long> pair in other.ErrorKinds ?? new SortedDictionary<string, long>())
            {
                AddCount(ref ErrorKinds, pair.Key, pair.Value);
            }

            if (!IsLive && LatencyCode is not null && !other.IsLive && other.LatencyCode is not null)
            {
                // Two sealed rows (the interval doubling): merged encoded, so the row stays sealed and holds no live histograms.
                LatencyCode = MergeCodes(LatencyCode, other.LatencyCode, spare);
                CorrectedCode = MergeCodes(CorrectedCode!, other.CorrectedCode!, spare);
            }
            else if (other.IsLive || other.LatencyCode is not null)
            {
                Add(other.Latency(), other.CorrectedLatency(), spare);
                other.Seal(spare);
            }
        }

        private static string MergeCodes(string first, string second, Stack<LongHistogram> spare)
        {
            LongHistogram sum = spare.Count > 0 ? spare.Pop() : LatencyHistogram.Create();
            sum.Add(LatencyHistogram.Decode(first));
            sum.Add(LatencyHistogram.Decode(second));
            string code = LatencyHistogram.Encode(sum);
            GiveBack(spare, sum);
            return code;
        }

        private static void GiveBack(Stack<LongHistogram> spare, LongHistogram histogram)
        {
            if (spare.Count < MaxSpare)
            {
                histogram.Reset();
                spare.Push(histogram);
            }
        }
    }
}
