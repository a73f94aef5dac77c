using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Text.Json;

namespace LoadTest;

/// <summary>
/// Passes and failures per check, in the order the checks were given. As text it is compact JSON
/// ([{"Name":...,"Passed":...,"Failed":...}]), so that Export-Csv of a summary writes a column that
/// reads back (ConvertFrom-Json) instead of a type name.
/// </summary>
public sealed class CheckCounts : ReadOnlyCollection<CheckCount>
{
    internal CheckCounts(IList<CheckCount> counts)
        : base(counts)
    {
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (CheckCount check in this)
            {
                json.WriteStartObject();
                json.WriteString(nameof(CheckCount.Name), check.Name);
                json.WriteNumber(nameof(CheckCount.Passed), check.Passed);
                json.WriteNumber(nameof(CheckCount.Failed), check.Failed);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
