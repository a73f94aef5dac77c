using System;

namespace LoadTest.Engine.Metrics;

/// <summary>
/// One instrument of a run: its name, unit and description in the Meter, and the name it has in Prometheus,
/// made by OpenTelemetry's rules for Prometheus (dots become underscores, the unit's word is appended, annotations
/// in braces are dropped, "/s" reads "per_second", a counter ends in "_total"), so that a run scraped from our
/// endpoint and one exported through an OpenTelemetry collector carry the same names.
/// </summary>
internal sealed class InstrumentInfo
{
    public InstrumentInfo(string name, string unit, string description, InstrumentShape shape)
    {
        Name = name;
        Unit = unit;
        Description = description;
        Shape = shape;
        PrometheusName = ToPrometheusName(name, unit, shape);
    }

    public string Name { get; }

    /// <summary>The unit in UCUM, as OpenTelemetry writes it: s, By, or an annotation such as {request}.</summary>
    public string Unit { get; }

    public string Description { get; }

    public InstrumentShape Shape { get; }

    /// <summary>The metric's name in Prometheus (a histogram's series add _bucket, _sum and _count).</summary>
    public string PrometheusName { get; }

    private static string ToPrometheusName(string name, string unit, InstrumentShape shape)
    {
        string metric = name.Replace('.', '_');
        string[] parts = unit.Split('/', 2);
        string main = UnitWord(parts[0], plural: true);
        string per = parts.Length > 1 ? UnitWord(parts[1], plural: false) : string.Empty;
        if (main.Length > 0 && !metric.EndsWith("_" + main, StringComparison.Ordinal))
        {
            metric += "_" + main;
        }

        if (per.Length > 0)
        {
            metric += "_per_" + per;
        }

        return shape == InstrumentShape.Counter ? metric + "_total" : metric;
    }

    private static string UnitWord(string unit, bool plural) => unit switch
    {
        _ when unit.StartsWith('{') => string.Empty,
        "s" => plural ? "seconds" : "second",
        "ms" => plural ? "milliseconds" : "millisecond",
        "By" => "bytes",
        "1" or "" => string.Empty,
        _ => unit,
    };
}
