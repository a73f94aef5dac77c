namespace LoadTest;

/// <summary>Which per-request results Invoke-BoundedRequest writes to the pipeline.</summary>
public enum ResultOutput
{
    /// <summary>Every result.</summary>
    All,

    /// <summary>Only the results with Success = $false.</summary>
    Failed,

    /// <summary>No per-request results (use with -Summary).</summary>
    None,
}
