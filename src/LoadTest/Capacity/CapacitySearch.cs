using System;

namespace LoadTest.Capacity;

/// <summary>
/// Finds the highest rate that passes an objective: doubles the rate from a start while steps pass, then
/// bisects between the highest rate that passed and the lowest that failed until they are within the
/// precision asked for (or the steps run out). The answer lies in [HighestPassed, LowestFailed).
/// </summary>
internal sealed class CapacitySearch
{
    private readonly double _startRate;
    private readonly double _maxRate;
    private readonly double _precision;
    private readonly int _maxSteps;
    private readonly double _floor;
    private int _steps;

    /// <param name="startRate">The first step's rate.</param>
    /// <param name="maxRate">The highest rate tried; passing it ends the search.</param>
    /// <param name="precision">Stop when the lowest failing rate is within this fraction above the highest passing one.</param>
    /// <param name="maxSteps">The most steps the search makes.</param>
    public CapacitySearch(double startRate, double maxRate, double precision, int maxSteps)
    {
        _startRate = Math.Min(startRate, maxRate);
        _maxRate = maxRate;
        _precision = precision;
        _maxSteps = maxSteps;
        // Below this, failing all the way down, the target holds no rate worth reporting.
        _floor = Math.Min(1, _startRate) / 2;
    }

    /// <summary>The highest rate that passed; 0 while none has.</summary>
    public double HighestPassed { get; private set; }

    /// <summary>The lowest rate that failed; null while none has.</summary>
    public double? LowestFailed { get; private set; }

    /// <summary>Why the search ended (or null while it goes on).</summary>
    public string? EndReason { get; private set; }

    /// <summary>The rate of the next step; null when the search is over.</summary>
    public double? NextRate()
    {
        if (EndReason is not null)
        {
            return null;
        }

        double? next = Next();
        if (next is null)
        {
            return null;
        }

        if (_steps >= _maxSteps)
        {
            EndReason = $"the {_maxSteps} steps of -MaxSteps were made";
            return null;
        }

        return next;
    }

    /// <summary>Records a step's verdict.</summary>
    public void Record(double rate, bool passed)
    {
        _steps++;
        if (passed)
        {
            HighestPassed = Math.Max(HighestPassed, rate);
        }
        else
        {
            LowestFailed = Math.Min(LowestFailed ?? double.MaxValue, rate);
        }
    }

    private double? Next()
    {
        if (LowestFailed is not { } failed)
        {
            if (HighestPassed >= _maxRate)
            {
                EndReason = "the highest rate tried (-MaxRate) passed";
                return null;
            }

            return HighestPassed == 0 ? _startRate : Math.Min(HighestPassed * 2, _maxRate);
        }

        if (HighestPassed == 0)
        {
            if (failed / 2 < _floor)
            {
                EndReason = "every rate tried failed, down to the lowest";
                return null;
            }

            return Round(failed / 2);
        }

        if ((failed - HighestPassed) / HighestPassed <= _precision)
        {
            EndReason = "the answer is within the precision asked for";
            return null;
        }

        double middle = Round((HighestPassed + failed) / 2);
        return middle > HighestPassed && middle < failed ? middle : (HighestPassed + failed) / 2;
    }

    // Rates of whole requests per second above 10 read better in the steps and change nothing that matters.
    private static double Round(double rate) => rate >= 10 ? Math.Round(rate) : Math.Round(rate, 3);
}
