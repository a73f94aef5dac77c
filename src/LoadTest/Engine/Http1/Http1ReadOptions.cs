namespace LoadTest.Engine.Http1;

/// <summary>What to keep of a response besides its status: headers, and the body up to a size.</summary>
internal readonly record struct Http1ReadOptions(bool IncludeHeaders, bool IncludeContent, int MaximumContentBytes);
