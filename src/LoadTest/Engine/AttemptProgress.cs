namespace LoadTest.Engine;

/// <summary>
/// How far an attempt got: the status it received and the body bytes read so far, kept outside the
/// attempt so that a failure mid-body (a timeout while the body trickles) still reports both.
/// </summary>
internal sealed class AttemptProgress
{
    public int StatusCode;
    public long Bytes;
}
