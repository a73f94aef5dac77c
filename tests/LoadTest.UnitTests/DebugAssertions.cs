using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LoadTest.UnitTests;

/// <summary>
/// The unit tests run in Debug (build.ps1 Test), where LoadTest's Debug.Assert lines are compiled in. A failed assert
/// would end the test host at once (Environment.FailFast); here it throws instead, so the test that broke it fails
/// with the assert's message and the others still run.
/// </summary>
internal static class DebugAssertions
{
    [ModuleInitializer]
    internal static void ThrowOnFailure()
    {
        Trace.Listeners.Clear();
        Trace.Listeners.Add(new ThrowingListener());
    }

    private sealed class ThrowingListener : TraceListener
    {
        public override void Fail(string? message, string? detailMessage) => throw new DebugAssertException(message + (string.IsNullOrEmpty(detailMessage) ? string.Empty : " " + detailMessage));

        public override void Write(string? message)
        {
        }

        public override void WriteLine(string? message)
        {
        }
    }
}

/// <summary>A Debug.Assert that failed under the unit tests.</summary>
internal sealed class DebugAssertException : Exception
{
    public DebugAssertException(string message)
        : base("Debug.Assert failed: " + message)
    {
    }
}
