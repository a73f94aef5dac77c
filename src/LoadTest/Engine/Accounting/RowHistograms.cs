using HdrHistogram;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// A time-series row's histograms (latency, corrected latency, start lag), live while results still land in the row and
/// encoded once it is sealed: a few hundred bytes instead of three live histograms. A result that lands in a
/// sealed row revives it. Live histograms come from and go back to the series' pool.
/// </summary>
internal sealed class RowHistograms
{
    public const int Latency = 0;
    public const int Corrected = 1;
    public const int StartLag = 2;

    /// <summary>How many histograms a row holds.</summary>
    public const int Kinds = 3;

    private readonly LongHistogram?[] _live = new LongHistogram?[Kinds];
    private readonly string?[] _codes = new string?[Kinds];

    public bool IsLive => _live[Latency] is not null;

    /// <summary>True when the row holds histograms, live or encoded.</summary>
    public bool HasAny => IsLive || _codes[Latency] is not null;

    /// <summary>Encoded histograms of nothing: for the rows of intervals in which nothing happened.</summary>
    public static RowHistograms Empty()
    {
        string code = LatencyHistogram.Encode(LatencyHistogram.Create());
        var empty = new RowHistograms();
        for (int kind = 0; kind < Kinds; kind++)
        {
            empty._codes[kind] = code;
        }

        return empty;
    }

    /// <summary>The encoding of one kind: the sealed code, or the live histogram encoded now.</summary>
    public string Code(int kind) => _codes[kind] ?? LatencyHistogram.Encode(Histogram(kind));

    public HistogramBase Histogram(int kind) =>
        _live[kind] ?? (_codes[kind] is { } code ? LatencyHistogram.Decode(code) : LatencyHistogram.Create());

    /// <summary>Records one result's latencies and start lag; a NaN is not recorded (a run without a schedule, a request it did not time).</summary>
    public void Record(double elapsedMs, double correctedMs, double lagMs, HistogramPool pool)
    {
        Revive(pool);
        LatencyHistogram.Record(_live[Latency]!, elapsedMs);
        if (!double.IsNaN(correctedMs))
        {
            LatencyHistogram.Record(_live[Corrected]!, correctedMs);
        }

        if (!double.IsNaN(lagMs))
        {
            LatencyHistogram.RecordLag(_live[StartLag]!, lagMs);
        }
    }

    /// <summary>Adds whole histograms (a row of another series); a null start lag adds none.</summary>
    public void Add(HistogramBase latency, HistogramBase corrected, HistogramBase? startLag, HistogramPool pool)
    {
        Revive(pool);
        _live[Latency]!.Add(latency);
        _live[Corrected]!.Add(corrected);
        if (startLag is not null)
        {
            _live[StartLag]!.Add(startLag);
        }
    }

    /// <summary>Encodes the histograms and gives the live ones back to the pool.</summary>
    public void Seal(HistogramPool pool)
    {
        if (!IsLive)
        {
            return;
        }

        for (int kind = 0; kind < Kinds; kind++)
        {
            _codes[kind] = LatencyHistogram.Encode(_live[kind]!);
            pool.Return(_live[kind]!);
            _live[kind] = null;
        }
    }

    /// <summary>Adds another row's histograms to these; the other row is sealed afterwards.</summary>
    public void Merge(RowHistograms other, HistogramPool pool)
    {
        if (!IsLive && _codes[Latency] is not null && !other.IsLive && other._codes[Latency] is not null)
        {
            // Two sealed rows (the interval doubling): merged encoded, so the row stays sealed and holds no live histograms.
            for (int kind = 0; kind < Kinds; kind++)
            {
                _codes[kind] = pool.Merge(_codes[kind]!, other._codes[kind]!);
            }
        }
        else if (other.HasAny)
        {
            Add(other.Histogram(Latency), other.Histogram(Corrected), other.Histogram(StartLag), pool);
            other.Seal(pool);
        }
    }

    /// <summary>Live histograms again, holding what was encoded.</summary>
    private void Revive(HistogramPool pool)
    {
        if (IsLive)
        {
            return;
        }

        for (int kind = 0; kind < Kinds; kind++)
        {
            LongHistogram live = pool.Rent();
            if (_codes[kind] is { } code)
            {
                live.Add(LatencyHistogram.Decode(code));
                _codes[kind] = null;
            }

            _live[kind] = live;
        }
    }
}
