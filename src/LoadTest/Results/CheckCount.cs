using System.Globalization;

namespace LoadTest;

/// <summary>How many responses passed and failed one check (-Check), by the check's name.</summary>
public sealed class CheckCount
{
    internal CheckCount(string name, long passed, long failed)
    {
        Name = name;
        Passed = passed;
        Failed = failed;
    }

    /// <summary>The check, such as "StatusCode 200" or "Json /status == ok".</summary>
    public string Name { get; }

    /// <summary>Responses that passed the check.</summary>
    public long Passed { get; }

    /// <summary>Responses that failed the check.</summary>
    public long Failed { get; }

    /// <summary>Responses judged by the check: Passed + Failed (requests that got no response are not judged).</summary>
    public long Count => Passed + Failed;

    /// <summary>Passed divided by Count, from 0 to 1; 0 when no response was judged.</summary>
    public double PassRate => Count == 0 ? 0 : (double)Passed / Count;

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"{Name}: {Passed} passed, {Failed} failed");
}
