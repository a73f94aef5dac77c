using System;
using System.Globalization;

namespace LoadTest.Server;

/// <summary>The port asked for is already taken.</summary>
public sealed class TestServerPortInUseException : Exception
{
    /// <summary>Creates the exception for a port.</summary>
    public TestServerPortInUseException(int port, Exception innerException)
        : base($"Port {port.ToString(CultureInfo.InvariantCulture)} on 127.0.0.1 is already in use. Choose another port, or -Port 0 for a free one.", innerException)
    {
        Port = port;
    }

    /// <summary>The port that was taken.</summary>
    public int Port { get; }
}
