namespace LoadTest.Engine.Checks;

/// <summary>What a JSON Pointer found in a body.</summary>
internal enum JsonLookup
{
    Found,

    /// <summary>The body is JSON as far as it was read, with no value at the pointer.</summary>
    Missing,

    /// <summary>The body is not JSON where it was read.</summary>
    NotJson,
}
