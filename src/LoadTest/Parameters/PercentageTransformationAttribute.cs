using System;
using System.Globalization;
using System.Management.Automation;

namespace LoadTest.Parameters;

/// <summary>
/// The one rule for every share the module takes (error rates, tolerances, precision): a fraction from 0 to 1
/// (0.05) or a percentage with its sign ('5%', '2.5 %', '150%'). Both become the fraction. A bare number above 1
/// is refused: 10 could mean 10 % or 1000 %, and a wrong guess would pass or fail a check silently.
/// </summary>
public sealed class PercentageTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object? value = inputData is PSObject ps ? ps.BaseObject : inputData;
        if (value is string text && text.TrimEnd().EndsWith('%') &&
            double.TryParse(text.TrimEnd()[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent))
        {
            return percent / 100;
        }

        double? number = value switch
        {
            int or long or double or float or decimal or short or byte => Convert.ToDouble(value, CultureInfo.InvariantCulture),
            string bare when double.TryParse(bare, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
            _ => null,
        };
        if (number is not { } fraction)
        {
            throw new ArgumentTransformationMetadataException(
                $"Cannot read '{value}' as a share. Give a percentage with its sign, such as '10%', or a fraction from 0 to 1, such as 0.1.");
        }

        if (fraction > 1)
        {
            throw new ArgumentTransformationMetadataException(string.Create(
                CultureInfo.InvariantCulture,
                $"{fraction} is ambiguous as a share: {fraction} % or {fraction * 100} %? Give a percentage with its sign, such as '{fraction}%', or a fraction from 0 to 1, such as {fraction / 100}."));
        }

        return fraction;
    }
}
