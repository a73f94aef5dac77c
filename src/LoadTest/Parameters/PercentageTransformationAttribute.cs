using System;
using System.Globalization;
using System.Management.Automation;

namespace LoadTest.Parameters;

/// <summary>Lets a tolerance be a percentage ('10%', '2.5 %') or a fraction (0.1, '0.1'); both become the fraction.</summary>
public sealed class PercentageTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject ps ? ps.BaseObject : inputData;
        return value switch
        {
            int or long or double or float or decimal or short or byte => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            string text when text.TrimEnd().EndsWith('%') &&
                double.TryParse(text.TrimEnd()[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) => percent / 100,
            string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction) => fraction,
            _ => throw new ArgumentTransformationMetadataException(
                $"Cannot read '{value}' as a tolerance. Give a percentage such as '10%' or a fraction such as 0.1."),
        };
    }
}
