namespace LoadTest.Engine.Accounting;

/// <summary>How an error budget was spent: by the count of failures, or by their share once enough requests completed.</summary>
internal readonly record struct BudgetSpent(bool ByCount, long Failed, long Completed, long MaxErrorCount, double MaxErrorRate);
