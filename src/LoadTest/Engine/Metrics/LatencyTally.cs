using System;
using System.Threading;

namespace LoadTest.Engine.Metrics;

/// <summary>
/// One latency histogram of a run, as counts and sums per bucket of <see cref="LatencyBuckets"/>: what an
/// endpoint reads to rebuild the histogram exactly (each bucket's values, and their sum, in microseconds).
/// </summary>
internal sealed class LatencyTally
{
    private readonly long[] _counts = new long[LatencyBuckets.Count];
    private readonly long[] _sumsMicroseconds = new long[LatencyBuckets.Count];

    public void Add(double milliseconds)
    {
        int bucket = LatencyBuckets.IndexOf(milliseconds / 1000.0);
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sumsMicroseconds[bucket], (long)Math.Round(milliseconds * 1000.0));
    }

    /// <summary>Values counted in a bucket so far.</summary>
    public long CountAt(int bucket) => Interlocked.Read(ref _counts[bucket]);

    /// <summary>The sum of the values counted in a bucket, in microseconds.</summary>
    public long SumMicrosecondsAt(int bucket) => Interlocked.Read(ref _sumsMicroseconds[bucket]);
}
