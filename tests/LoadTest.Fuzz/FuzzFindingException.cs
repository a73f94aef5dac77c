using System;
using System.Runtime.ExceptionServices;

namespace LoadTest.Fuzz;

/// <summary>What a fuzz target throws for a finding that is not itself an unexpected exception (a hang, a disagreement).</summary>
internal sealed class FuzzFindingException : Exception
{
    public FuzzFindingException(string message, Exception? inner = null)
        : base(inner is null ? message : message + " " + inner.GetType().FullName + ": " + inner.Message, inner)
    {
    }

    /// <summary>Rethrows the unexpected exception itself where there is one, so its stack names the code that threw.</summary>
    public void ThrowInner()
    {
        if (InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(InnerException);
        }

        throw this;
    }
}
