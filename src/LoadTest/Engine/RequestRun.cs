using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace LoadTest.Engine;

/// <summary>
/// One run of the engine as the pipeline thread sees it: requests go in (pushed one by one, or from a
/// lazy source), results come out, and the blocking waits here are the only places that thread sleeps.
/// </summary>
internal sealed class RequestRun : IDisposable
{
    private static readonly TimeSpan s_disposeWait = TimeSpan.FromSeconds(5);

    private readonly RequestEngineOptions _options;
    private readonly RequestExecutor _executor;
    private readonly Channel<RequestResult> _results;
    private readonly CancellationTokenSource _cancellation = new();
    private Channel<RequestSpec>? _input;
    private Task? _completion;

    public RequestRun(RequestEngineOptions options)
    {
        _options = options;
        _executor = new RequestExecutor(options);
        _results = Channel.CreateBounded<RequestResult>(new BoundedChannelOptions(options.ResultBufferSize)
        {
            SingleWriter = false,
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public bool IsCancellationRequested => _cancellation.IsCancellationRequested;

    /// <summary>Starts the run over a lazy source that ends by itself.</summary>
    public void Start(IAsyncEnumerable<RequestSpec> source)
    {
        _completion = Task.Run(() => BoundedRequestEngine.RunAsync(
            source, _executor, _options.ThrottleLimit, _results.Writer, _cancellation.Token));
    }

    /// <summary>Starts the run over requests that <see cref="Post"/> hands in until <see cref="CompleteInput"/>.</summary>
    public void StartPushed()
    {
        _input = Channel.CreateBounded<RequestSpec>(new BoundedChannelOptions(_options.ThrottleLimit)
        {
            SingleWriter = true,
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        Start(_input.Reader.ReadAllAsync());
    }

    /// <summary>
    /// Hands one request to the run. While the run is full, hands finished results to
    /// <paramref name="onResult"/> so that the run keeps moving. Returns false when the run was stopped.
    /// </summary>
    public bool Post(RequestSpec spec, Action<RequestResult> onResult)
    {
        ChannelWriter<RequestSpec> input = _input?.Writer ?? throw new InvalidOperationException("The run takes no pushed input.");
        while (!input.TryWrite(spec))
        {
            if (_cancellation.IsCancellationRequested)
            {
                return false;
            }

            if (!DrainAvailable(onResult))
            {
                // The results channel completed early: the engine failed; the caller sees it at the end.
                return false;
            }

            WaitForInputSpaceOrResult();
        }

        return true;
    }

    public void CompleteInput() => _input?.Writer.TryComplete();

    /// <summary>Hands out every result already finished; false when no more will ever come.</summary>
    public bool DrainAvailable(Action<RequestResult> onResult)
    {
        ChannelReader<RequestResult> reader = _results.Reader;
        while (reader.TryRead(out RequestResult? result))
        {
            onResult(result);
        }

        return !reader.Completion.IsCompleted;
    }

    /// <summary>Hands out results until the run ends or is stopped; rethrows an engine failure.</summary>
    public void DrainToEnd(Action<RequestResult> onResult)
    {
        ChannelReader<RequestResult> reader = _results.Reader;
        while (true)
        {
            while (reader.TryRead(out RequestResult? result))
            {
                onResult(result);
            }

            if (!WaitForResult())
            {
                break;
            }
        }

        if (reader.Completion.IsFaulted && !_cancellation.IsCancellationRequested)
        {
            reader.Completion.GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops starting requests and cancels those in flight. Safe from any thread.</summary>
    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        Cancel();
        _input?.Writer.TryComplete();
        try
        {
            _completion?.Wait(s_disposeWait);
        }
        catch (AggregateException)
        {
            // Already reported through the results channel.
        }

        _executor.Dispose();
        _cancellation.Dispose();
    }

    private bool WaitForResult()
    {
        try
        {
            ValueTask<bool> wait = _results.Reader.WaitToReadAsync(_cancellation.Token);
            return wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    private void WaitForInputSpaceOrResult()
    {
        try
        {
            ValueTask<bool> space = _input!.Writer.WaitToWriteAsync(_cancellation.Token);
            if (space.IsCompleted)
            {
                return;
            }

            ValueTask<bool> result = _results.Reader.WaitToReadAsync(_cancellation.Token);
            if (result.IsCompleted)
            {
                return;
            }

            Task.WhenAny(space.AsTask(), result.AsTask()).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
    }
}
