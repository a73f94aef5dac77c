using System;
using System.Collections.Generic;
using System.Text;
using LoadTest.Wire.Http2;

namespace LoadTest.UnitTests.Http2;

/// <summary>Keeps the fields a decoder hands out, as "name: value" (values as Latin-1).</summary>
internal sealed class FieldRecorder : IHPackSink
{
    public List<string> Fields { get; } = [];

    public void OnField(string name, ReadOnlySpan<byte> value) => Fields.Add(name + ": " + Encoding.Latin1.GetString(value));
}
