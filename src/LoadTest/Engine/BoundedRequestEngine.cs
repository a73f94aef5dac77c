using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using LoadTest.Engine.Flows;
using LoadTest.Wire;

namespace LoadTest.Engine;

/// <summary>
/// Pulls request specs lazily from a source and keeps at most ThrottleLimit of them in flight (with a flow,
/// each spec is an iteration's seed, and its steps run in turn in the one slot); each finished request becomes one result, seen by onCompleted and written to a bounded channel unless
/// onCompleted keeps it (it was only counted), or the run is stopped first (then onUntaken sees it). A full
/// channel pauses the workers, so a slow consumer slows the run instead of growing memory.
/// </summary>
internal static class BoundedRequestEngine
{
    private static readonly Func<bool> s_always = static () => true;

    public static async Task RunAsync(
        IAsyncEnumerable<RequestSpec> source,
        RequestExecutor executor,
        int throttleLimit,
        ChannelWriter<RequestResult> results,
        Func<RequestResult, bool>? onCompleted,
        Func<bool>? mayStart,
        Action? onFinished,
        CancellationToken cancellationToken,
        Action<RequestResult>? onUntaken = null,
        FlowRunner? flow = null)
    {
        // Seen here, before this worker takes its next request, so that a spent error budget stops the run
        // within the requests already in flight; false means nobody downstream wants it. A write that finds room
        // completes at once, without an async frame.
        ValueTask Deliver(RequestResult result, CancellationToken token)
        {
            if (onCompleted is not null && !onCompleted(result))
            {
                return default;
            }

            ValueTask write = results.WriteAsync(result, token);
            return write.IsCompletedSuccessfully ? default : AwaitWrite(write, result);
        }

        async ValueTask AwaitWrite(ValueTask write, RequestResult result)
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (onUntaken is not null)
            {
                // Stopped while this result waited for room: still counted (or tallied as cancelled).
                onUntaken(result);
                throw;
            }
        }

        Exception? failure = null;
        try
        {
            var parallelOptions = new ParallelOptions
            {
                MaxDegreeOfParallelism = throttleLimit,
                CancellationToken = cancellationToken,
            };
            await Parallel.ForEachAsync(source, parallelOptions, [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] async ValueTask (spec, token) =>
            {
                try
                {
                    // A request taken just as the run stopped taking requests (its error budget is spent) is not
                    // sent, and so has no result.
                    if (mayStart is not null && !mayStart())
                    {
                        return;
                    }

                    if (flow is not null)
                    {
                        // One iteration: its steps in order, each result handed on as it comes.
                        await flow.RunAsync(spec, result => Deliver(result, token), mayStart ?? s_always, token).ConfigureAwait(false);
                    }
                    else
                    {
                        // ExecuteAsync never throws: every failure is a result.
                        await Deliver(await executor.ExecuteAsync(spec, token).ConfigureAwait(false), token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    // A closed-model ramp gives the slot to the next request.
                    onFinished?.Invoke();
                }
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the user: the results written so far are the answer.
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            results.TryComplete(failure);
        }
    }
}
