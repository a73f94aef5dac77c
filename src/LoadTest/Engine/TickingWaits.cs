using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using LoadTest.Wire;

namespace LoadTest.Engine;

/// <summary>
/// The pipeline thread's waits on a run: for a result, or for room in the pushed input. Each returns at the next
/// progress tick at the latest; a wait that a tick interrupted is kept and taken up again by the next one,
/// instead of adding another waiter to the channel every tick for as long as the run lasts.
/// </summary>
internal sealed class TickingWaits
{
    private readonly ChannelReader<RequestResult> _results;
    private readonly CancellationToken _token;
    private readonly TimeSpan _tickInterval;
    private Task<bool>? _pendingResult;
    private Task<bool>? _pendingSpace;

    /// <param name="results">The run's results.</param>
    /// <param name="token">Cancels every wait (the run was stopped).</param>
    /// <param name="tickInterval">How often a wait returns for progress; zero for never.</param>
    public TickingWaits(ChannelReader<RequestResult> results, CancellationToken token, TimeSpan tickInterval)
    {
        _results = results;
        _token = token;
        _tickInterval = tickInterval;
    }

    /// <summary>Waits for a result, the end, or the next tick; false at the end.</summary>
    public bool ForResult()
    {
        try
        {
            Task<bool>? task = _pendingResult;
            _pendingResult = null;
            if (task is null)
            {
                ValueTask<bool> wait = _results.WaitToReadAsync(_token);
                if (wait.IsCompleted)
                {
                    return wait.Result;
                }

                task = wait.AsTask();
            }

            if (_tickInterval > TimeSpan.Zero && !task.Wait(_tickInterval))
            {
                // A tick: the caller reports progress and comes back to this same wait.
                _pendingResult = task;
                return true;
            }

            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
        catch (AggregateException ex) when (ex.InnerException is OperationCanceledException)
        {
            return false;
        }
        catch (Exception) when (_results.Completion.IsFaulted)
        {
            // The engine failed; the caller reports it once the results it did write are handed out.
            return false;
        }
    }

    /// <summary>Waits for room in the input, a result, or the next tick.</summary>
    public void ForInputSpaceOrResult(ChannelWriter<RequestSpec> input)
    {
        try
        {
            if (_pendingSpace is null)
            {
                ValueTask<bool> space = input.WaitToWriteAsync(_token);
                if (space.IsCompleted)
                {
                    return;
                }

                _pendingSpace = space.AsTask();
            }

            if (_pendingResult is null)
            {
                ValueTask<bool> result = _results.WaitToReadAsync(_token);
                if (result.IsCompleted)
                {
                    return;
                }

                _pendingResult = result.AsTask();
            }

            Task any = Task.WhenAny(_pendingSpace, _pendingResult);
            if (_tickInterval > TimeSpan.Zero)
            {
                any.Wait(_tickInterval);
            }
            else
            {
                any.GetAwaiter().GetResult();
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            // Finished waits are done with; a pending one is picked up by the next wait.
            if (_pendingSpace?.IsCompleted == true)
            {
                _pendingSpace = null;
            }

            if (_pendingResult?.IsCompleted == true)
            {
                _pendingResult = null;
            }
        }
    }
}
