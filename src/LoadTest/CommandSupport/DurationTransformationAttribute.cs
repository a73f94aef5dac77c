using System;
using System.Globalization;
using System.Management.Automation;

namespace LoadTest.CommandSupport;

/// <summary>Lets -Duration take a TimeSpan, or a number of seconds (PowerShell alone would read a number as ticks).</summary>
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value switch
        {
            TimeSpan span => span,
            int or long or double or float or decimal or short or byte =>
                TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) =>
                TimeSpan.FromSeconds(seconds),
            string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan parsed) => parsed,
            _ => throw new ArgumentTransformationMetadataException(
                $"Cannot read '{value}' as a duration. Give a TimeSpan (such as '00:01:30') or a number of seconds."),
        };
    }
}
