using System;

namespace LoadTest.Engine.Checks;

/// <summary>What of a response a check reads, so that nothing else is captured for it.</summary>
[Flags]
internal enum CheckNeeds
{
    None = 0,
    Headers = 1,
    Body = 2,
}
