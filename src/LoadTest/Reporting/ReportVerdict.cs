namespace LoadTest.Reporting;

/// <summary>One threshold of Assert-RunSummary as the report shows it: the condition, what was measured, and whether it held.</summary>
internal sealed record ReportVerdict(string Condition, double Measured, bool Passed);
