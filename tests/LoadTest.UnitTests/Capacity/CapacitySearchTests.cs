using System;
using System.Collections.Generic;
using LoadTest.Capacity;
using Xunit;

namespace LoadTest.UnitTests.Capacity;

/// <summary>The capacity search's steps against a target whose capacity is known, to exact rates.</summary>
public sealed class CapacitySearchTests
{
    [Fact]
    public void DoublingThenBisection_StopsWithinThePrecision()
    {
        // Passes up to 730 req/s: 100, 200, 400 pass; 800 fails; 600 and 700 pass; 750 fails; 725 passes; 750/725 is within 5 %.
        var search = new CapacitySearch(100, 10_000, 0.05, 20);
        Assert.Equal([100, 200, 400, 800, 600, 700, 750, 725], Run(search, rate => rate <= 730));
        Assert.Equal((725.0, (double?)750), (search.HighestPassed, search.LowestFailed));
        Assert.Equal("the answer is within the precision asked for", search.EndReason);
    }

    [Fact]
    public void APrecisionMetExactly_EndsTheSearch()
    {
        // 105 failed and 100 passed: 5 % apart, which a precision of 0.05 accepts.
        var search = new CapacitySearch(100, 105, 0.05, 20);
        Assert.Equal([100, 105], Run(search, rate => rate <= 100));
        Assert.Equal("the answer is within the precision asked for", search.EndReason);
    }

    [Fact]
    public void PassingTheMaximumRate_EndsTheSearch()
    {
        var search = new CapacitySearch(100, 300, 0.05, 20);
        Assert.Equal([100, 200, 300], Run(search, _ => true));
        Assert.Equal((300.0, (double?)null), (search.HighestPassed, search.LowestFailed));
        Assert.Equal("the highest rate tried (-MaxRate) passed", search.EndReason);
    }

    [Fact]
    public void FailingEverything_HalvesDownToTheFloor()
    {
        // Rates of 10 and more are whole (12.5 rounds to even, 12); below, three decimals. The floor is min(1, start) / 2.
        var search = new CapacitySearch(100, 1000, 0.05, 20);
        Assert.Equal([100, 50, 25, 12, 6, 3, 1.5, 0.75], Run(search, _ => false));
        Assert.Equal((0.0, (double?)0.75), (search.HighestPassed, search.LowestFailed));
        Assert.Equal("every rate tried failed, down to the lowest", search.EndReason);
    }

    [Fact]
    public void TheStepBudget_EndsTheSearch()
    {
        var search = new CapacitySearch(100, 10_000, 0.05, 3);
        Assert.Equal([100, 200, 400], Run(search, rate => rate <= 730));
        Assert.Equal("the 3 steps of -MaxSteps were made", search.EndReason);
        Assert.Null(search.NextRate());
    }

    [Fact]
    public void AStartAboveTheMaximum_StartsAtTheMaximum()
    {
        var search = new CapacitySearch(5000, 1000, 0.05, 20);
        Assert.Equal(1000, search.NextRate());
    }

    [Fact]
    public void BisectionOfSmallRates_KeepsThreeDecimals_AndNeverRepeatsARate()
    {
        // Capacity 1.3: 1 passes, 2 fails, 1.5 fails, 1.25 passes, 1.375 fails, 1.3125 rounds (to even) to 1.312 and fails:
        // 1.312 is within 5 % of 1.25.
        var search = new CapacitySearch(1, 100, 0.05, 20);
        Assert.Equal([1, 2, 1.5, 1.25, 1.375, 1.312], Run(search, rate => rate <= 1.3));
        Assert.Equal((1.25, (double?)1.312), (search.HighestPassed, search.LowestFailed));
    }

    private static List<double> Run(CapacitySearch search, Func<double, bool> passes)
    {
        var rates = new List<double>();
        while (search.NextRate() is { } rate)
        {
            rates.Add(rate);
            search.Record(rate, passes(rate));
            Assert.True(rates.Count <= 50, "The search did not end.");
        }

        return rates;
    }
}
