using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;

namespace LoadTest;

/// <summary>
/// The rows of a run's time series, oldest first. As text it says what it holds, so that Export-Csv of a
/// summary writes a readable column; write the rows themselves with $summary.TimeSeries | Export-Csv.
/// </summary>
public sealed class TimeSeries : ReadOnlyCollection<TimeSeriesRow>
{
    internal TimeSeries(IList<TimeSeriesRow> rows)
        : base(rows)
    {
    }

    /// <inheritdoc/>
    public override string ToString() => Count == 0
        ? "no rows"
        : string.Create(CultureInfo.InvariantCulture, $"{Count} rows of {this[0].IntervalSeconds} s");
}
