namespace LoadTest.Server;

/// <summary>The faults the test server can inject on a connection instead of answering.</summary>
public enum ConnectionFaultKind
{
    /// <summary>Answer normally.</summary>
    None,

    /// <summary>Answer 503 Service Unavailable.</summary>
    Status503,

    /// <summary>Close the connection without any response.</summary>
    Drop,

    /// <summary>Reset the connection (TCP RST) without any response.</summary>
    Reset,

    /// <summary>Never answer, until the client gives up or the server stops.</summary>
    Hang,
}
