namespace LoadTest;

/// <summary>Why a request did not succeed.</summary>
public enum RequestErrorKind
{
    /// <summary>The request succeeded.</summary>
    None = 0,

    /// <summary>A response arrived with a status code that does not count as success.</summary>
    HttpError,

    /// <summary>No complete response within the timeout.</summary>
    Timeout,

    /// <summary>Nothing listens on the target port.</summary>
    ConnectionRefused,

    /// <summary>The peer reset the connection.</summary>
    ConnectionReset,

    /// <summary>The connection closed before the response was complete.</summary>
    ConnectionClosed,

    /// <summary>The host name could not be resolved.</summary>
    NameResolution,

    /// <summary>The TLS handshake failed, for example on an untrusted certificate.</summary>
    Tls,

    /// <summary>The server sent something that is not valid HTTP.</summary>
    Protocol,

    /// <summary>The run was stopped (Ctrl+C) while the request was in flight.</summary>
    Canceled,

    /// <summary>Any other failure; the Error property says what.</summary>
    Other,

    /// <summary>The process could not open a connection: it ran out of file descriptors (its open-file limit) or of memory for sockets.</summary>
    ResourceExhausted,

    /// <summary>A response that counts as success by its status failed a check (-Check); the Error property names the check and what the response held.</summary>
    CheckFailed,

    /// <summary>A flow step's response lacked a value one of its extractions (-Flow, Extract) takes; the Error property names the extraction.</summary>
    ExtractionFailed,
}
