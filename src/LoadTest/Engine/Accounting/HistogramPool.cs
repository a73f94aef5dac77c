using System.Collections.Generic;
using HdrHistogram;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// Live histograms kept for reuse (about 190 KB each): a row that is sealed gives its histograms back and the
/// next row to go live takes them, so a long run allocates a handful, not two per interval.
/// </summary>
internal sealed class HistogramPool
{
    private readonly Stack<LongHistogram> _spare = new();
    private readonly int _keep;

    /// <param name="keep">The most histograms kept; more would only hold memory.</param>
    public HistogramPool(int keep)
    {
        _keep = keep;
    }

    /// <summary>An empty histogram, reused when one is spare.</summary>
    public LongHistogram Rent() => _spare.Count > 0 ? _spare.Pop() : LatencyHistogram.Create();

    /// <summary>Takes a histogram back, emptied, unless enough are kept already.</summary>
    public void Return(LongHistogram histogram)
    {
        if (_spare.Count < _keep)
        {
            histogram.Reset();
            _spare.Push(histogram);
        }
    }

    /// <summary>The encoding of two encoded histograms added together.</summary>
    public string Merge(string first, string second)
    {
        LongHistogram sum = Rent();
        sum.Add(LatencyHistogram.Decode(first));
        sum.Add(LatencyHistogram.Decode(second));
        string code = LatencyHistogram.Encode(sum);
        Return(sum);
        return code;
    }
}
