using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Text;

namespace LoadTest.Reporting;

/// <summary>
/// The report's table of checks (-Check): a row per check, a column per run, each cell its pass rate with
/// passes and failures. Empty when no run had checks.
/// </summary>
internal static class ReportChecks
{
    public static string Html(IReadOnlyList<ReportRun> runs)
    {
        var names = new List<string>();
        var byRun = new List<Dictionary<string, CheckCount>>();
        foreach (ReportRun run in runs)
        {
            var checks = new Dictionary<string, CheckCount>(System.StringComparer.Ordinal);
            foreach (CheckCount check in run.Checks)
            {
                checks[check.Name] = check;
                if (!names.Contains(check.Name))
                {
                    names.Add(check.Name);
                }
            }

            byRun.Add(checks);
        }

        if (names.Count == 0)
        {
            return string.Empty;
        }

        var html = new StringBuilder("<h2 id=\"checks\">Checks</h2>\n<table class=\"checks\"><thead><tr><th>Check</th>");
        foreach (ReportRun run in runs)
        {
            html.Append("<th>").Append(WebUtility.HtmlEncode(run.Label)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach (string name in names)
        {
            html.Append("<tr><td>").Append(WebUtility.HtmlEncode(name)).Append("</td>");
            foreach (Dictionary<string, CheckCount> checks in byRun)
            {
                if (!checks.TryGetValue(name, out CheckCount? check))
                {
                    html.Append("<td></td>");
                    continue;
                }

                html.Append(check.Failed == 0 ? "<td class=\"verdict-passed\">" : "<td class=\"verdict-failed\">")
                    .Append(string.Create(CultureInfo.InvariantCulture, $"{check.PassRate * 100:0.##} % ({check.Passed:N0} passed, {check.Failed:N0} failed)"))
                    .Append("</td>");
            }

            html.Append("</tr>\n");
        }

        return html.Append("</tbody></table>").ToString();
    }
}
