using System.IO;

namespace LoadTest.Reporting;

/// <summary>
/// The files the report is made of, embedded in the module's dll: the page's template, script and style,
/// and uPlot (pinned and integrity-checked by build.ps1), so an installed module writes reports offline.
/// </summary>
internal static class ReportAssets
{
    public static string Template => Read("report.html");

    public static string Guard => Read("guard.js");

    public static string Script => Read("report.js");

    public static string Style => Read("report.css");

    public static string UPlotScript => Read("uPlot.uPlot.iife.min.js");

    public static string UPlotStyle => Read("uPlot.uPlot.min.css");

    public static string UPlotLicence => Read("uPlot.LICENSE");

    private static string Read(string name)
    {
        string resource = "LoadTest.Report." + name;
        using Stream stream = typeof(ReportAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new FileNotFoundException($"The module's dll lacks its embedded {resource}; rebuild it with ./build.ps1 Build.", resource);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
