using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;

namespace LoadTest.Parameters;

/// <summary>
/// Lets -Stage take hashtables (or objects with the same properties, such as Import-Csv rows) as well as
/// LoadStage objects: @{ Duration = '30s'; RequestsPerSecond = 100 } or @{ Duration = '1m'; ThrottleLimit = 50 }.
/// </summary>
public sealed class StageTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (value is IList list && value is not IDictionary)
        {
            var stages = new LoadStage[list.Count];
            for (int i = 0; i < list.Count; i++)
            {
                stages[i] = ToStage(list[i], i);
            }

            return stages;
        }

        return new[] { ToStage(inputData, 0) };
    }

    private static LoadStage ToStage(object? item, int index)
    {
        object? value = item is PSObject ps ? ps.BaseObject : item;
        if (value is LoadStage stage)
        {
            return stage;
        }

        var fields = new List<KeyValuePair<string, object?>>();
        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                fields.Add(new(entry.Key?.ToString() ?? string.Empty, entry.Value));
            }
        }
        else if (item is PSObject { BaseObject: PSCustomObject } custom)
        {
            foreach (PSPropertyInfo property in custom.Properties)
            {
                fields.Add(new(property.Name, property.Value));
            }
        }
        else
        {
            throw Refuse(index, $"'{value}' is not a stage. Give a hashtable such as @{{ Duration = '30s'; RequestsPerSecond = 100 }}.");
        }

        var result = new LoadStage();
        foreach ((string key, object? field) in fields)
        {
            // A LoadStage that went through remoting or Clixml comes back with its unset target as null.
            if (field is null || (field is PSObject { BaseObject: null }))
            {
                continue;
            }

            switch (key.ToLowerInvariant())
            {
                case "duration":
                    result.Duration = DurationTransformationAttribute.TryConvert(field, out TimeSpan span)
                        ? span
                        : throw Refuse(index, $"its Duration '{field}' is not a duration (give '30s', '2m', a number of seconds or a TimeSpan).");
                    break;
                case "requestspersecond" or "rate":
                    result.RequestsPerSecond = Number(field, index, key);
                    break;
                case "throttlelimit" or "concurrency":
                    double limit = Number(field, index, key);
                    result.ThrottleLimit = limit == Math.Floor(limit) && limit <= int.MaxValue ? (int)limit : throw Refuse(index, $"its {key} '{field}' is not a whole number.");
                    break;
                default:
                    throw Refuse(index, $"it has a key '{key}' that a stage does not know (Duration, RequestsPerSecond or ThrottleLimit).");
            }
        }

        return result;
    }

    private static double Number(object? field, int index, string key)
    {
        object? value = field is PSObject ps ? ps.BaseObject : field;
        return value is not null && double.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
            ? number
            : throw Refuse(index, $"its {key} '{field}' is not a number.");
    }

    private static ArgumentTransformationMetadataException Refuse(int index, string why) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Stage {index + 1}: {why}"));
}
