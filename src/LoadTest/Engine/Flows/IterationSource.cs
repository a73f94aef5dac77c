using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire;

namespace LoadTest.Engine.Flows;

/// <summary>
/// The iterations of a flow run by -Count (or until -Duration ends it), one seed each: a spec that is never
/// sent, carrying only its index (the iteration's) and, once scheduled, its scheduled start.
/// </summary>
internal sealed class IterationSource : IAsyncEnumerable<RequestSpec>
{
    /// <summary>What a seed's URI is: it names the iteration, and nothing is ever sent to it.</summary>
    public static readonly Uri SeedUri = new("http://iteration.invalid/", UriKind.Absolute);

    private readonly long _startIndex;
    private readonly long _count;

    public IterationSource(long startIndex, long count)
    {
        _startIndex = startIndex;
        _count = count;
    }

    /// <summary>The seed of one iteration, with its data row's columns as variables (null for none).</summary>
    public static RequestSpec Seed(long index, IReadOnlyDictionary<string, string>? row) =>
        new(index, HttpMethod.Get, SeedUri, RequestPayload.Empty) { Variables = row };

    public async IAsyncEnumerator<RequestSpec> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        for (long i = 0; i < _count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Seed(_startIndex + i, null);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
