namespace LoadTest.Engine.Metrics;

/// <summary>
/// Every instrument a run publishes, in one place: the Meter (<see cref="RunMeter"/>) and the Prometheus endpoint
/// both take their names, units and descriptions from here. To add one (a check counter, say): describe it here,
/// count it in <see cref="RunTally"/>, and publish it in RunMeter and in the endpoint's PrometheusExport.
/// </summary>
internal static class RunInstruments
{
    /// <summary>The Meter's name: what dotnet-counters (--counters LoadTest) and an OpenTelemetry SDK (AddMeter("LoadTest")) subscribe to.</summary>
    public const string MeterName = "LoadTest";

    public static InstrumentInfo Requests { get; } = new(
        "loadtest.requests", "{request}", "Requests completed, by status code and error kind (None for a success).", InstrumentShape.Counter);

    public static InstrumentInfo BytesReceived { get; } = new(
        "loadtest.received", "By", "Bytes of response body received.", InstrumentShape.Counter);

    public static InstrumentInfo Duration { get; } = new(
        "loadtest.request.duration", "s", "Time from sending a request to the last byte of its response (or its failure), across its attempts.", InstrumentShape.Histogram);

    public static InstrumentInfo CorrectedDuration { get; } = new(
        "loadtest.request.corrected_duration", "s", "Time from when the rate schedule meant a request to start to the end of its response (corrected for coordinated omission); the duration without a schedule.", InstrumentShape.Histogram);

    public static InstrumentInfo Checks { get; } = new(
        "loadtest.checks", "{check}", "Checks judged (-Check), by check name and result (pass or fail).", InstrumentShape.Counter);

    public static InstrumentInfo InFlight { get; } = new(
        "loadtest.requests.in_flight", "{request}", "Requests in flight: sending, or waiting to retry.", InstrumentShape.Gauge);

    public static InstrumentInfo Planned { get; } = new(
        "loadtest.requests.planned", "{request}", "Requests the rate schedule called for so far (0 without a rate).", InstrumentShape.Counter);

    public static InstrumentInfo Late { get; } = new(
        "loadtest.requests.late", "{request}", "Requests that started behind their schedule because every slot was busy.", InstrumentShape.Counter);

    public static InstrumentInfo Dropped { get; } = new(
        "loadtest.requests.dropped", "{request}", "Requests of the schedule never sent because the run ended first.", InstrumentShape.Counter);

    public static InstrumentInfo ScheduleRate { get; } = new(
        "loadtest.schedule.rate", "{request}/s", "The rate the schedule asks for now (0 without a rate).", InstrumentShape.Gauge);
}
