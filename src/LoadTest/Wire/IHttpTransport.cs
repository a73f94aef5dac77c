using System;
using System.Threading;
using System.Threading.Tasks;

namespace LoadTest.Wire;

/// <summary>
/// Sends one hop of a request and reads its whole response: the head is returned, the body is counted
/// (and kept with -IncludeContent) in the attempt's progress. Failures are exceptions, classified above.
/// </summary>
internal interface IHttpTransport : IDisposable
{
    ValueTask<ResponseHead> SendAsync(RequestSpec spec, RedirectHop hop, AttemptProgress progress, CancellationToken token);
}
