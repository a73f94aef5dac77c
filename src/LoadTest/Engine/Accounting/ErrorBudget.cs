using System.Globalization;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// The failures a run may have before it stops starting requests: a count, and a rate that is judged
/// only once enough requests have completed for it to mean something.
/// </summary>
internal sealed class ErrorBudget
{
    public ErrorBudget(long maxErrorCount, double maxErrorRate, long minimumCountForRate)
    {
        MaxErrorCount = maxErrorCount;
        MaxErrorRate = maxErrorRate;
        MinimumCountForRate = minimumCountForRate;
    }

    /// <summary>Most failures allowed; a negative value for no limit.</summary>
    public long MaxErrorCount { get; }

    /// <summary>Largest failed share allowed (0..1); a negative value for no limit.</summary>
    public double MaxErrorRate { get; }

    public long MinimumCountForRate { get; }

    /// <summary>Null while the budget holds, otherwise why it is spent.</summary>
    public string? Check(long completed, long failed)
    {
        if (MaxErrorCount >= 0 && failed > MaxErrorCount)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{failed} failed requests exceed -MaxErrorCount {MaxErrorCount}.");
        }

        if (MaxErrorRate >= 0 && completed >= MinimumCountForRate && completed > 0 && (double)failed / completed > MaxErrorRate)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{failed} of {completed} requests failed ({(double)failed / completed:P2}), above -MaxErrorRate {MaxErrorRate:P2}.");
        }

        return null;
    }
}
