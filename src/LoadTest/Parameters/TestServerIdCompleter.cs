using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using LoadTest.Module;
using LoadTest.Server;

namespace LoadTest.Parameters;

/// <summary>Completes -Id with the Ids of the test servers this session is running, each with its URI as tooltip.</summary>
public sealed class TestServerIdCompleter : IArgumentCompleter
{
    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string typed = wordToComplete ?? string.Empty;
        foreach (TestServer server in TestServerRegistry.OwnedBy(SessionOwner.Current))
        {
            string id = server.Id.ToString(CultureInfo.InvariantCulture);
            if (id.StartsWith(typed, StringComparison.Ordinal))
            {
                yield return new CompletionResult(id, id, CompletionResultType.ParameterValue, server.Uri.ToString());
            }
        }
    }
}
