namespace LoadTest.Engine;

/// <summary>The defaults of a run, written once: the cmdlet's parameters and the engine's options both start from these.</summary>
internal static class RunDefaults
{
    public const int ThrottleLimit = 64;
    public const int TimeoutSec = 100;
    public const double RetryIntervalSec = 5;
    public const int MaximumRedirection = 5;
    public const int MaximumContentBytes = 1024 * 1024;
    public const long ErrorRateMinimumCount = 100;
    public const string Method = "GET";
    public const string HttpVersion = "1.1";
    public const int SuccessStatusFrom = 200;
    public const int SuccessStatusTo = 399;
}
