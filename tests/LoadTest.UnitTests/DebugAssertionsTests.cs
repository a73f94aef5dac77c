using System.Diagnostics;
using Xunit;

namespace LoadTest.UnitTests;

public sealed class DebugAssertionsTests
{
    [Fact]
    public void AFailedDebugAssert_FailsTheTest_InsteadOfEndingTheHost()
    {
#if DEBUG
        DebugAssertException error = Assert.Throws<DebugAssertException>(() => Debug.Assert(false, "the lock is held"));
        Assert.Equal("Debug.Assert failed: the lock is held", error.Message);
#else
        Assert.Fail("The unit tests run in Debug (build.ps1 Test passes -c Debug), so that LoadTest's Debug.Assert lines are checked.");
#endif
    }
}
