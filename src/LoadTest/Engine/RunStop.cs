namespace LoadTest.Engine;

/// <summary>
/// A stop from outside the run: by its owner (Ctrl+C), or because its consumer stopped taking results. When
/// the workers wound down in time, Requests and Attempts are what the stop cancelled; otherwise only how many
/// were in flight when it came is known.
/// </summary>
internal readonly record struct RunStop(bool ConsumerGone, bool WoundDown, long Requests, long Attempts, int InFlightAtStop);
