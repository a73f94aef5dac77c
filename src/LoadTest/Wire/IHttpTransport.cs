using System;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Wire;

/// <summary>
/// One HTTP client of a run. It says which hops it can send, sends one hop of a request and reads its
/// whole response: the head is returned, the body is counted (and kept with -IncludeContent) in the
/// attempt's progress. Failures are exceptions, classified above.
/// </summary>
internal interface IHttpTransport : IDisposable
{
    /// <summary>True when this client can send <paramref name="hop"/> of <paramref name="spec"/> as the user gave it.</summary>
    bool CanSend(RequestSpec spec, in RedirectHop hop);

    ValueTask<ResponseHead> SendAsync(RequestSpec spec, RedirectHop hop, AttemptProgress progress, CancellationToken token);
}
