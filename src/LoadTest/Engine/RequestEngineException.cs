using System;

namespace LoadTest.Engine;

/// <summary>The engine itself failed (a bug, not a failed request, which is always a result).</summary>
internal sealed class RequestEngineException : Exception
{
    public RequestEngineException(Exception innerException)
        : base("The request engine failed: " + innerException.Message, innerException)
    {
    }
}
