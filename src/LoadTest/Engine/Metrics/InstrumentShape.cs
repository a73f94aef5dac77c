namespace LoadTest.Engine.Metrics;

/// <summary>What an instrument's values are, which decides its Prometheus type and name.</summary>
internal enum InstrumentShape
{
    /// <summary>A count that only grows (a Prometheus counter, named ..._total).</summary>
    Counter,

    /// <summary>A value that goes up and down (a Prometheus gauge).</summary>
    Gauge,

    /// <summary>A distribution in buckets (a Prometheus histogram).</summary>
    Histogram,
}
