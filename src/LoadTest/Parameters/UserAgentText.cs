using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text;

namespace LoadTest.Parameters;

/// <summary>The default User-Agent: LoadTest/(module version) (PowerShell (version); (OS)), built once per run.</summary>
internal static class UserAgentText
{
    public static string Default(PSCmdlet command)
    {
        string module = command.MyInvocation.MyCommand.Module?.Version?.ToString()
            ?? typeof(UserAgentText).Assembly.GetName().Version?.ToString(3)
            ?? "0.0.0";
        string powerShell = (command.SessionState.PSVariable.GetValue("PSVersionTable") as IDictionary)?["PSVersion"]?.ToString()
            ?? typeof(PSObject).Assembly.GetName().Version?.ToString(3)
            ?? "unknown";
        return string.Create(CultureInfo.InvariantCulture, $"LoadTest/{module} (PowerShell {powerShell}; {AsComment(RuntimeInformation.OSDescription)})");
    }

    /// <summary>Text fit for a User-Agent comment: printable ASCII, parentheses only when they pair up.</summary>
    private static string AsComment(string text)
    {
        var builder = new StringBuilder(text.Length);
        int depth = 0;
        bool paired = true;
        foreach (char c in text)
        {
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            paired &= depth >= 0;
        }

        paired &= depth == 0;
        foreach (char c in text)
        {
            if (c is >= ' ' and <= '~' && c != '\\' && (paired || (c != '(' && c != ')')))
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Trim();
    }
}
