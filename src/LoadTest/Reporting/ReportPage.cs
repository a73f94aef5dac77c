using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace LoadTest.Reporting;

/// <summary>
/// Writes the report: one HTML file holding the header (what was run, verdicts), the runs as JSON, uPlot and
/// the script that charts them. Its Content-Security-Policy allows only the page's own scripts and styles (by
/// hash) and nothing else, so the page cannot fetch anything, and it needs nothing that it does not contain.
/// </summary>
internal static class ReportPage
{
    public static string Write(string title, IReadOnlyList<ReportRun> runs, IReadOnlyList<ReportVerdict> verdicts, IReadOnlyList<ReportComparison> comparisons)
    {
        string guard = ReportAssets.Guard;
        string script = ReportAssets.UPlotScript + "\n" + ReportAssets.Script;
        string style = ReportAssets.UPlotStyle + "\n" + ReportAssets.Style;
        string csp = $"default-src 'none'; script-src {Hash(guard)} {Hash(script)}; style-src {Hash(style)}; base-uri 'none'; form-action 'none'";
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["csp"] = csp,
            ["generator"] = Encode("LoadTest " + Version()),
            ["title"] = Encode(title),
            ["style"] = style,
            ["guard"] = guard,
            ["origin"] = Encode(Origin()),
            ["verdicts"] = Verdicts(verdicts) + Comparisons(comparisons),
            ["facts"] = Facts(runs),
            ["checks"] = ReportChecks.Html(runs),
            ["data"] = Encoding.UTF8.GetString(ReportData.Write(runs)),
            ["script"] = script,
            ["licence"] = ReportAssets.UPlotLicence.Replace("--", "- -", StringComparison.Ordinal),
        };
        return Fill(ReportAssets.Template, values);
    }

    /// <summary>The template with each {{name}} replaced, in one pass, so inserted text is never read as a placeholder.</summary>
    private static string Fill(string template, Dictionary<string, string> values)
    {
        var page = new StringBuilder(template.Length + 1024);
        int at = 0;
        while (true)
        {
            int open = template.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0)
            {
                break;
            }

            int close = template.IndexOf("}}", open, StringComparison.Ordinal);
            page.Append(template, at, open - at).Append(values[template[(open + 2)..close]]);
            at = close + 2;
        }

        return page.Append(template, at, template.Length - at).ToString();
    }

    private static string Hash(string inline) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline))) + "'";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Version()
    {
        string? version = typeof(ReportPage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return version is null ? "unknown" : version.Split('+')[0];
    }

    /// <summary>Who wrote the report, where and when: a summary does not record the machine it ran on.</summary>
    private static string Origin() => string.Create(
        CultureInfo.InvariantCulture,
        $"Written {DateTime.Now:yyyy-MM-dd HH:mm:ss} by LoadTest {Version()} on {Environment.MachineName} ({RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, .NET {Environment.Version})");

    private static string Verdicts(IReadOnlyList<ReportVerdict> verdicts)
    {
        if (verdicts.Count == 0)
        {
            return string.Empty;
        }

        int failed = 0;
        foreach (ReportVerdict verdict in verdicts)
        {
            failed += verdict.Passed ? 0 : 1;
        }

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h2 id=\"verdicts\" class=\"{(failed == 0 ? "verdict-passed" : "verdict-failed")}\">")
            .Append(failed == 0
                ? string.Create(CultureInfo.InvariantCulture, $"All {verdicts.Count} thresholds passed")
                : string.Create(CultureInfo.InvariantCulture, $"{failed} of {verdicts.Count} thresholds failed"))
            .Append("</h2>\n<table class=\"verdicts\"><thead><tr><th>Threshold</th><th>Measured</th><th>Result</th></tr></thead><tbody>\n");
        foreach (ReportVerdict verdict in verdicts)
        {
            html.Append("<tr><td>").Append(Encode(verdict.Condition)).Append("</td><td>")
                .Append(verdict.Measured.ToString("0.###", CultureInfo.InvariantCulture))
                .Append(verdict.Passed ? "</td><td class=\"verdict-passed\">passed" : "</td><td class=\"verdict-failed\">FAILED")
                .Append("</td></tr>\n");
        }

        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>Compare-RunSummary's rows: each measure in both runs, its change, its limit and its verdict.</summary>
    private static string Comparisons(IReadOnlyList<ReportComparison> rows)
    {
        if (rows.Count == 0)
        {
            return string.Empty;
        }

        int regressed = 0;
        int checkedCount = 0;
        foreach (ReportComparison row in rows)
        {
            regressed += row.Verdict == ComparisonVerdict.Regressed ? 1 : 0;
            checkedCount += row.Verdict == ComparisonVerdict.NotChecked ? 0 : 1;
        }

        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h2 id=\"comparison\" class=\"{(regressed == 0 ? "verdict-passed" : "verdict-failed")}\">")
            .Append(regressed == 0
                ? string.Create(CultureInfo.InvariantCulture, $"Against the baseline: no regression in {checkedCount} measures checked")
                : string.Create(CultureInfo.InvariantCulture, $"Against the baseline: {regressed} of {checkedCount} measures checked regressed"))
            .Append("</h2>\n<table class=\"comparison\"><thead><tr><th>Measure</th><th>Baseline</th><th>Candidate</th><th>Change</th><th>Limit</th><th>Result</th></tr></thead><tbody>\n");
        foreach (ReportComparison row in rows)
        {
            string result = row.Verdict switch
            {
                ComparisonVerdict.Regressed => "<td class=\"verdict-failed\">REGRESSED",
                ComparisonVerdict.Passed => "<td class=\"verdict-passed\">passed",
                _ => "<td>not checked",
            };
            html.Append("<tr><td>").Append(Encode(row.Measure)).Append(" (").Append(Encode(row.Unit)).Append(")</td><td class=\"num\">")
                .Append(row.Format(row.Baseline)).Append("</td><td class=\"num\">").Append(row.Format(row.Candidate))
                .Append("</td><td class=\"num\">").Append(Encode(row.Change)).Append("</td><td class=\"num\">")
                .Append(row.Limit is { } limit ? Encode(row.Comparison + " " + row.Format(limit)) : string.Empty)
                .Append("</td>").Append(result).Append("</td></tr>\n");
        }

        return html.Append("</tbody></table>").ToString();
    }

    /// <summary>What was run: a row per fact, a column per run.</summary>
    private static string Facts(IReadOnlyList<ReportRun> runs)
    {
        var names = new List<string>();
        var byRun = new List<Dictionary<string, string>>();
        foreach (ReportRun run in runs)
        {
            var facts = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> fact in run.Facts)
            {
                facts[fact.Key] = fact.Value;
                if (!names.Contains(fact.Key))
                {
                    names.Add(fact.Key);
                }
            }

            byRun.Add(facts);
        }

        var html = new StringBuilder("<table class=\"facts\"><thead><tr><th></th>");
        foreach (ReportRun run in runs)
        {
            html.Append("<th>").Append(Encode(run.Label)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach (string name in names)
        {
            html.Append("<tr><th>").Append(Encode(name)).Append("</th>");
            foreach (Dictionary<string, string> facts in byRun)
            {
                html.Append("<td>").Append(Encode(facts.GetValueOrDefault(name, string.Empty))).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        return html.Append("</tbody></table>").ToString();
    }
}
