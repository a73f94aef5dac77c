using System;
using System.Collections.Generic;

namespace LoadTest.Engine.Accounting;

/// <summary>One row of a time series while it is being built: its counts, and its histograms.</summary>
internal sealed class SeriesRow
{
    private static readonly int s_kinds = Enum.GetValues<RequestErrorKind>().Length;

    public long Started;
    public long Completed;
    public long Failed;
    public long BytesReceived;

    /// <summary>Requests that started in the row more than the late tolerance behind their time.</summary>
    public long Late;

    /// <summary>Requests in flight at the row's end, as a row of another series said.</summary>
    public long InFlightSeen;

    /// <summary>Requests planned in the row, for rows of other series.</summary>
    public double Planned;

    /// <summary>The in-flight limit planned for the row times the seconds it covers, for rows of other series.</summary>
    public double PlannedInFlightArea;

    /// <summary>True when the row holds rows of other series: its in-flight count and plan come from them.</summary>
    public bool FromOtherSeries;

    private SortedDictionary<int, long>? _statusCodes;
    private long[]? _errorKinds;
    private SortedDictionary<string, long>? _namedErrorKinds;

    public RowHistograms Histograms { get; private init; } = new();

    /// <summary>The row of an interval in which nothing happened: sealed, shared by every gap.</summary>
    public static SeriesRow Empty() => new() { Histograms = RowHistograms.Empty() };

    public void CountStatus(int status, long count)
    {
        _statusCodes ??= new SortedDictionary<int, long>();
        _statusCodes[status] = _statusCodes.GetValueOrDefault(status) + count;
    }

    public void CountError(RequestErrorKind kind)
    {
        _errorKinds ??= new long[s_kinds];
        _errorKinds[(int)kind]++;
    }

    /// <summary>Counts failures of an error kind known only by name (read back from another series).</summary>
    public void CountError(string kind, long count)
    {
        _namedErrorKinds ??= new SortedDictionary<string, long>(StringComparer.Ordinal);
        _namedErrorKinds[kind] = _namedErrorKinds.GetValueOrDefault(kind) + count;
    }

    public string StatusCodeText() => CountText.Format(_statusCodes);

    public string ErrorKindText() => CountText.Format(_errorKinds, _namedErrorKinds);

    /// <summary>Adds another row (the interval doubling) into this one.</summary>
    public void Merge(SeriesRow other, HistogramPool pool)
    {
        Started += other.Started;
        Completed += other.Completed;
        Failed += other.Failed;
        BytesReceived += other.BytesReceived;
        Late += other.Late;
        InFlightSeen = other.InFlightSeen;
        Planned += other.Planned;
        PlannedInFlightArea += other.PlannedInFlightArea;
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

        foreach (KeyValuePair<string, long> pair in other._namedErrorKinds ?? new SortedDictionary<string, long>())
        {
            CountError(pair.Key, pair.Value);
        }

        Histograms.Merge(other.Histograms, pool);
    }
}
