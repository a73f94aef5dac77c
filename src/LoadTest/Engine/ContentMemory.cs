namespace LoadTest.Engine;

/// <summary>The worst case of kept bodies against the memory this process may use.</summary>
internal readonly record struct ContentMemory(int Results, int MaximumContentBytes, long WorstBytes, long AvailableBytes);
