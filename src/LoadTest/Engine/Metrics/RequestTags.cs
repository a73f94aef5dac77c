using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;

namespace LoadTest.Engine.Metrics;

/// <summary>
/// The dimensions of the request counter: status code and error kind as one slot number per combination,
/// with each slot's label values built once and then shared, and the flow's step, which the run's tally
/// keeps apart (one slot array per step, see <see cref="StepTags"/>), so that counting a request allocates
/// nothing. To add a dimension: make <see cref="Slot"/> take its index and <see cref="SlotCount"/> cover it
/// (or keep it apart as steps are), add its name to <see cref="Names"/> and its value where the label values
/// and tags are built; both the Meter and the Prometheus endpoint then carry it.
/// </summary>
internal static class RequestTags
{
    /// <summary>The response's status code as text; "0" when no response came, "other" outside 0-599.</summary>
    public const string StatusCode = "status_code";

    /// <summary>The name of the request's <see cref="RequestErrorKind"/>; "None" for a success.</summary>
    public const string ErrorKind = "error_kind";

    /// <summary>The flow step that sent the request (-Flow); empty (no label, to Prometheus) outside a flow.</summary>
    public const string Step = "step";

    private const int Statuses = 601;
    private const int OtherStatus = 600;
    private static readonly int s_kinds = KindCount();
    private static readonly string[]?[] s_values = new string[]?[SlotCount];
    private static readonly KeyValuePair<string, object?>[]?[] s_tags = new KeyValuePair<string, object?>[]?[SlotCount];

    /// <summary>The label names: those of <see cref="LabelValues"/>, then the step's.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { StatusCode, ErrorKind, Step };

    public static int SlotCount => s_kinds * Statuses;

    public static int Slot(int statusCode, RequestErrorKind kind)
    {
        int status = statusCode >= 0 && statusCode < OtherStatus ? statusCode : OtherStatus;
        int k = (int)kind;
        return (k >= 0 && k < s_kinds ? k : (int)RequestErrorKind.Other) * Statuses + status;
    }

    /// <summary>A slot's label values, in the order of <see cref="Names"/> (without the step).</summary>
    public static string[] LabelValues(int slot)
    {
        string[]? values = Volatile.Read(ref s_values[slot]);
        if (values is null)
        {
            int status = slot % Statuses;
            values = new[]
            {
                status == OtherStatus ? "other" : status.ToString(CultureInfo.InvariantCulture),
                ((RequestErrorKind)(slot / Statuses)).ToString(),
            };
            // Two threads may build the same values; either copy is right.
            Volatile.Write(ref s_values[slot], values);
        }

        return values;
    }

    private static int KindCount()
    {
        int highest = 0;
        foreach (RequestErrorKind kind in Enum.GetValues<RequestErrorKind>())
        {
            highest = Math.Max(highest, (int)kind);
        }

        return highest + 1;
    }

    /// <summary>A slot's tags outside a flow: the label values under their names.</summary>
    public static KeyValuePair<string, object?>[] Tags(int slot)
    {
        KeyValuePair<string, object?>[]? tags = Volatile.Read(ref s_tags[slot]);
        if (tags is null)
        {
            string[] values = LabelValues(slot);
            tags = new KeyValuePair<string, object?>[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                tags[i] = new KeyValuePair<string, object?>(Names[i], values[i]);
            }

            Volatile.Write(ref s_tags[slot], tags);
        }

        return tags;
    }

    /// <summary>A slot's tags with a step's name, built once per step and slot.</summary>
    public sealed class StepTags
    {
        private readonly KeyValuePair<string, object?>[]?[] _tags = new KeyValuePair<string, object?>[]?[SlotCount];

        public StepTags(string name) => Name = name;

        public string Name { get; }

        public KeyValuePair<string, object?>[] Tags(int slot)
        {
            KeyValuePair<string, object?>[]? tags = Volatile.Read(ref _tags[slot]);
            if (tags is null)
            {
                KeyValuePair<string, object?>[] plain = RequestTags.Tags(slot);
                tags = new KeyValuePair<string, object?>[plain.Length + 1];
                plain.CopyTo(tags, 0);
                tags[^1] = new KeyValuePair<string, object?>(Step, Name);
                Volatile.Write(ref _tags[slot], tags);
            }

            return tags;
        }
    }
}
