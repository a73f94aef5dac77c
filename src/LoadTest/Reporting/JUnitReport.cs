using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Xml;

namespace LoadTest.Reporting;

/// <summary>
/// A JUnit XML report, the format CI servers read test results from: one &lt;testsuite&gt; with one
/// &lt;testcase&gt; per check. A failed check carries &lt;failure message="..."&gt;, one not judged
/// carries &lt;skipped&gt;. When several summaries were checked, each one's cases get a class name of
/// their own (Summary1, Summary2, ...), so that cases of the same name stay apart.
/// </summary>
internal sealed class JUnitReport
{
    private readonly string _suite;
    private readonly DateTime _timestamp = DateTime.Now;
    private readonly List<Case> _cases = new();
    private int _inputs;
    private double _seconds;

    public JUnitReport(string suite)
    {
        _suite = suite;
    }

    /// <summary>Starts the cases of the next summary checked; its run time adds to the suite's time.</summary>
    public void NextInput(double elapsedSeconds)
    {
        _inputs++;
        _seconds += elapsedSeconds;
    }

    public void Passed(string name, string output) => _cases.Add(new Case(_inputs, name, null, null, output));

    public void Failed(string name, string message, string type) => _cases.Add(new Case(_inputs, name, message, type, message));

    public void Skipped(string name, string message) => _cases.Add(new Case(_inputs, name, null, null, message, Skip: true));

    /// <summary>Writes the whole report (again), UTF-8 without a byte order mark.</summary>
    public void Save(string path)
    {
        int failures = 0;
        int skipped = 0;
        foreach (Case item in _cases)
        {
            failures += item.Message is null ? 0 : 1;
            skipped += item.Skip ? 1 : 0;
        }

        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        using XmlWriter xml = XmlWriter.Create(file, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", _suite);
        xml.WriteAttributeString("tests", Number(_cases.Count));
        xml.WriteAttributeString("failures", Number(failures));
        xml.WriteAttributeString("errors", "0");
        xml.WriteAttributeString("skipped", Number(skipped));
        xml.WriteAttributeString("time", _seconds.ToString("0.###", CultureInfo.InvariantCulture));
        xml.WriteAttributeString("timestamp", _timestamp.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        xml.WriteAttributeString("hostname", Environment.MachineName);
        foreach (Case item in _cases)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("name", item.Name);
            xml.WriteAttributeString("classname", _inputs > 1 ? $"LoadTest.{_suite}.Summary{Number(item.Input)}" : $"LoadTest.{_suite}");
            xml.WriteAttributeString("time", "0");
            if (item.Skip)
            {
                xml.WriteStartElement("skipped");
                xml.WriteAttributeString("message", item.Output);
                xml.WriteEndElement();
            }
            else if (item.Message is not null)
            {
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("message", item.Message);
                xml.WriteAttributeString("type", item.Type);
                xml.WriteString(item.Message);
                xml.WriteEndElement();
            }
            else
            {
                xml.WriteElementString("system-out", item.Output);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record Case(int Input, string Name, string? Message, string? Type, string Output, bool Skip = false);
}
