using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LoadTest.Reporting;

/// <summary>
/// Writes results as JSON lines (one compact object per line, as k6's --out json and log shippers read):
/// names for enums, times in ISO 8601 UTC with milliseconds, headers as an object. Streams: constant memory.
/// </summary>
internal sealed class JsonLinesWriter : IDisposable
{
    private static readonly byte[] s_newLine = "\n"u8.ToArray();
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;

    public JsonLinesWriter(string path, bool append)
    {
        _stream = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024);
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    }

    public long Written { get; private set; }

    public void Write(RequestResult result)
    {
        _json.WriteStartObject();
        _json.WriteNumber("Index", result.Index);
        _json.WriteString("Method", result.Method);
        _json.WriteString("Uri", result.UriText);
        _json.WriteNumber("StatusCode", result.StatusCode);
        _json.WriteBoolean("Success", result.Success);
        _json.WriteNumber("ElapsedMs", Math.Round(result.ElapsedMs, 3));
        _json.WriteNumber("CorrectedElapsedMs", Math.Round(result.CorrectedElapsedMs, 3));
        _json.WriteNumber("Attempts", result.Attempts);
        _json.WriteNumber("BytesReceived", result.BytesReceived);
        _json.WriteString("StartTime", result.StartTimeUtc);
        _json.WriteString("ErrorKind", result.ErrorKind);
        if (result.Error is not null)
        {
            _json.WriteString("Error", result.Error);
        }

        if (result.Headers is not null)
        {
            _json.WriteStartObject("Headers");
            foreach (var header in result.Headers)
            {
                _json.WriteString(header.Key, header.Value);
            }

            _json.WriteEndObject();
        }

        if (result.Content is not null)
        {
            _json.WriteString("Content", result.Content);
        }

        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _stream.Write(s_newLine);
        Written++;
    }

    public void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
    }
}
