using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace LoadTest.Parameters;

/// <summary>Completes -Method with the common HTTP methods.</summary>
public sealed class HttpMethodCompleter : IArgumentCompleter
{
    private static readonly string[] s_methods = { "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE" };

    /// <inheritdoc/>
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        foreach (string method in s_methods)
        {
            if (method.StartsWith(wordToComplete ?? string.Empty, System.StringComparison.OrdinalIgnoreCase))
            {
                yield return new CompletionResult(method);
            }
        }
    }
}
