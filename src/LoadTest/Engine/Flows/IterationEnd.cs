using System.Collections.Generic;

namespace LoadTest.Engine.Flows;

/// <summary>An ended iteration: how long it took (from its scheduled start, or its start, to its last step's end), whether a step failed, and the steps it did not send.</summary>
internal readonly record struct IterationEnd(double ElapsedMs, bool Failed, IReadOnlyList<string> Skipped);
