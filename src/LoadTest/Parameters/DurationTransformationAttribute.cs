using System;
using System.Globalization;
using System.Management.Automation;

namespace LoadTest.Parameters;

/// <summary>
/// Lets a duration be a TimeSpan, a number of seconds (PowerShell alone would read a number as ticks), or
/// text as load testers write it: '30s', '2m', '1h30m', '500ms'.
/// </summary>
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        TryConvert(inputData, out TimeSpan span)
            ? span
            : throw new ArgumentTransformationMetadataException(
                $"Cannot read '{inputData}' as a duration. Give a TimeSpan (such as '00:01:30'), a number of seconds, or text such as '30s', '2m' or '1h30m'.");

    /// <summary>Reads a duration from any of the forms the attribute takes.</summary>
    internal static bool TryConvert(object? input, out TimeSpan span)
    {
        object? value = input is PSObject ps ? ps.BaseObject : input;
        span = TimeSpan.Zero;
        switch (value)
        {
            case TimeSpan given:
                span = given;
                return true;
            case int or long or double or float or decimal or short or byte:
                span = TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                return true;
            case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds):
                span = TimeSpan.FromSeconds(seconds);
                return true;
            case string text when LoadStage.TryParseDuration(text.Trim(), out span):
                return true;
            case string text:
                return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out span);
            default:
                return false;
        }
    }
}
