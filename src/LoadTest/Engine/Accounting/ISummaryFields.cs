using System;
using System.Collections.Generic;

namespace LoadTest.Engine.Accounting;

/// <summary>
/// The fields of a summary or a result read by name, whatever form it arrived in (a live object, or a
/// copy back from remoting, Import-Clixml, ConvertFrom-Json or Import-Csv).
/// </summary>
internal interface ISummaryFields
{
    double Number(string name, double otherwise = 0);

    string? Text(string name);

    bool Flag(string name);

    TimeSpan Duration(string name);

    DateTime Time(string name);

    IReadOnlyDictionary<string, long> Counts(string name);

    /// <summary>The items of a list property (such as the rows of a time series), each read by name.</summary>
    IEnumerable<ISummaryFields> Items(string name);
}
