using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using LoadTest.Wire;

namespace LoadTest.Engine.Flows;

/// <summary>
/// Runs one iteration of a flow: its steps in order, each built from its templates with the iteration's
/// variables and cookies, sent through the run's executor, and handed on as a result. A failed step ends the
/// iteration unless it says to go on; the steps not sent are counted as skipped, never as sent.
/// </summary>
internal sealed class FlowRunner
{
    private readonly Flow _flow;
    private readonly RequestExecutor _executor;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _runHeaders;
    private readonly long _end;
    private readonly Action<IterationEnd> _onEnded;
    private string? _firstProblem;

    /// <param name="flow">The steps.</param>
    /// <param name="executor">Sends each step's request.</param>
    /// <param name="end">The Stopwatch timestamp after which no step starts; long.MaxValue for none.</param>
    /// <param name="onEnded">Told of each iteration that ended.</param>
    public FlowRunner(Flow flow, RequestExecutor executor, long end, Action<IterationEnd> onEnded)
    {
        _flow = flow;
        _executor = executor;
        _runHeaders = flow.RunHeaders;
        _end = end;
        _onEnded = onEnded;
    }

    /// <summary>The first reason a step could not be built (a variable without a value, a URI that is not one); null when none.</summary>
    public string? FirstProblem => Volatile.Read(ref _firstProblem);

    /// <summary>Runs the iteration that <paramref name="seed"/> stands for (its index, data row and scheduled start).</summary>
    public async ValueTask RunAsync(RequestSpec seed, Func<RequestResult, ValueTask> deliver, Func<bool> mayStart, CancellationToken token)
    {
        var iteration = new FlowIteration(seed.Index, seed.Variables);
        long started = seed.ScheduledTimestamp != 0 ? Math.Min(seed.ScheduledTimestamp, Stopwatch.GetTimestamp()) : Stopwatch.GetTimestamp();
        long lastEnd = started;
        bool failed = false;
        int next = 0;
        IReadOnlyList<FlowStep> steps = _flow.Steps;
        while (next < steps.Count)
        {
            if (next > 0 && (token.IsCancellationRequested || !mayStart() || Stopwatch.GetTimestamp() >= _end))
            {
                break;
            }

            FlowStep step = steps[next];
            if (Build(step, iteration, seed) is not { } spec)
            {
                failed = true;
                break;
            }

            next++;
            RequestResult result = await _executor.ExecuteAsync(spec, token, new StepCall(step, iteration, spec)).ConfigureAwait(false);
            result.Step = step.Name;
            lastEnd = Stopwatch.GetTimestamp();
            await deliver(result).ConfigureAwait(false);
            if (!result.Success)
            {
                failed = true;
                if (!step.ContinueOnFailure)
                {
                    break;
                }
            }

            if (next < steps.Count && step.ThinkMax > TimeSpan.Zero)
            {
                TimeSpan wait = step.ThinkMin + ((step.ThinkMax - step.ThinkMin) * Random.Shared.NextDouble());
                try
                {
                    await PreciseDelay.AtLeastAsync(wait, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        var skipped = new string[steps.Count - next];
        for (int i = next; i < steps.Count; i++)
        {
            skipped[i - next] = steps[i].Name;
        }

        _onEnded(new IterationEnd(Stopwatch.GetElapsedTime(started, lastEnd).TotalMilliseconds, failed, skipped));
    }

    private RequestSpec? Build(FlowStep step, FlowIteration iteration, RequestSpec seed)
    {
        IReadOnlyDictionary<string, string> variables = iteration.Variables;
        string? text = step.Uri.Render(variables, out string? missing);
        if (text is null)
        {
            return Problem($"Step '{step.Name}' was not sent: its URI uses #{{{missing}}}, which has no value in iteration {iteration.Index}.");
        }

        // A '/path' that System.Uri would keep as it is goes out as text on the base URI's origin: no URI is parsed.
        Uri? uri = null;
        bool verbatim = _flow.Origin is not null && UriTemplateSource.IsVerbatim(text);
        if (!verbatim && (!Uri.TryCreate(text, UriKind.Absolute, out uri) || uri.Scheme is not ("http" or "https")))
        {
            if (_flow.BaseUri is null || !Uri.TryCreate(_flow.BaseUri, text, out uri))
            {
                return Problem($"Step '{step.Name}' was not sent: '{text}' is not an absolute http or https URI{(_flow.BaseUri is null ? " (and there is no -BaseUri)" : string.Empty)}.");
            }
        }

        var headers = new List<KeyValuePair<string, string>>(_runHeaders.Count + step.Headers.Count + 1);
        foreach (KeyValuePair<string, string> header in _runHeaders)
        {
            if (!Overrides(step, header.Key))
            {
                headers.Add(header);
            }
        }

        foreach (KeyValuePair<string, TextTemplate> header in step.Headers)
        {
            string? value = header.Value.Render(variables, out missing);
            if (value is null)
            {
                return Problem($"Step '{step.Name}' was not sent: its header {header.Key} uses #{{{missing}}}, which has no value in iteration {iteration.Index}.");
            }

            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                return Problem($"Step '{step.Name}' was not sent: its header {header.Key} would hold a line break.");
            }

            headers.Add(new KeyValuePair<string, string>(header.Key, value));
        }

        if (iteration.HasCookies && iteration.CookieHeader(uri ??= new Uri(_flow.OriginText + text, UriKind.Absolute)) is { } cookie && !Overrides(step, "Cookie"))
        {
            headers.Add(new KeyValuePair<string, string>("Cookie", cookie));
        }

        byte[]? body = null;
        if (step.Body is not null)
        {
            string? rendered = step.Body.Render(variables, out missing);
            if (rendered is null)
            {
                return Problem($"Step '{step.Name}' was not sent: its body uses #{{{missing}}}, which has no value in iteration {iteration.Index}.");
            }

            body = Encoding.UTF8.GetBytes(rendered);
        }

        var payload = new RequestPayload(headers, body, step.ContentType);
        RequestSpec spec = verbatim && uri is null
            ? new RequestSpec(seed.Index, step.Method, _flow.Origin!, _flow.OriginText + text, text, payload)
            : new RequestSpec(seed.Index, step.Method, uri!, payload);
        spec.ScheduledTimestamp = ReferenceEquals(step, _flow.Steps[0]) ? seed.ScheduledTimestamp : 0;
        return spec;
    }

    private static bool Overrides(FlowStep step, string name)
    {
        foreach (KeyValuePair<string, TextTemplate> header in step.Headers)
        {
            if (header.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private RequestSpec? Problem(string problem)
    {
        Interlocked.CompareExchange(ref _firstProblem, problem, null);
        return null;
    }
}
