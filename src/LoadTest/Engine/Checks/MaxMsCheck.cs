using System.Globalization;

namespace LoadTest.Engine.Checks;

/// <summary>The response came whole within a number of milliseconds of the request's start (its retries included).</summary>
internal sealed class MaxMsCheck : Check
{
    private readonly double _maxMs;

    public MaxMsCheck(double maxMs)
        : base("MaxMs " + maxMs.ToString(CultureInfo.InvariantCulture), CheckNeeds.None)
    {
        _maxMs = maxMs;
    }

    public override bool Passes(ref CheckResponse response, ICheckContext context) => response.ElapsedMs <= _maxMs;

    public override string Seen(ref CheckResponse response, ICheckContext context) =>
        string.Create(CultureInfo.InvariantCulture, $"it took {response.ElapsedMs:0.###} ms");
}
