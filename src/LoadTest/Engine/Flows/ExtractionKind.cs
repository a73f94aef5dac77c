namespace LoadTest.Engine.Flows;

/// <summary>Where an extraction finds its value.</summary>
internal enum ExtractionKind
{
    Json,
    Regex,
    Header,
    Cookie,
}
