using System;

namespace LoadTest.Wire.Http2;

/// <summary>Receives the fields of a decoded header block, in order; the value is valid only during the call.</summary>
internal interface IHPackSink
{
    void OnField(string name, ReadOnlySpan<byte> value);
}
