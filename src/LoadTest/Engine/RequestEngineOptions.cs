using System;

namespace LoadTest.Engine;

/// <summary>Settings of one run, fixed before it starts.</summary>
internal sealed class RequestEngineOptions
{
    public int ThrottleLimit { get; init; } = 64;

    /// <summary>Per-request timeout; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for none.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    public bool SkipCertificateCheck { get; init; }

    public bool NoProxy { get; init; }

    public int MaximumRedirection { get; init; } = 5;

    /// <summary>How many finished results may wait for the consumer before workers pause.</summary>
    public int ResultBufferSize => Math.Max(256, ThrottleLimit);
}
