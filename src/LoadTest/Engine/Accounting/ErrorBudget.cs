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

    /// <summary>Null while the budget holds, otherwise how it is spent.</summary>
    public BudgetSpent? Check(long completed, long failed)
    {
        if (MaxErrorCount >= 0 && failed > MaxErrorCount)
        {
            return new BudgetSpent(true, failed, completed, MaxErrorCount, MaxErrorRate);
        }

        if (MaxErrorRate >= 0 && completed >= MinimumCountForRate && completed > 0 && (double)failed / completed > MaxErrorRate)
        {
            return new BudgetSpent(false, failed, completed, MaxErrorCount, MaxErrorRate);
        }

        return null;
    }
}
