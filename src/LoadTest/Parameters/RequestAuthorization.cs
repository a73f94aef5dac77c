using System;
using System.Management.Automation;
using System.Security;
using System.Text;

namespace LoadTest.Parameters;

/// <summary>The Authorization header of -Authentication with -Token or -Credential, and the refusal to send it over plain http.</summary>
internal static class RequestAuthorization
{
    public const string None = "None";
    public const string Bearer = "Bearer";
    public const string Basic = "Basic";

    /// <summary>The header, or null; or the error that says which parameter is missing.</summary>
    public static ErrorRecord? TryResolve(string authentication, SecureString? token, PSCredential? credential, out string? authorization)
    {
        authorization = null;
        bool none = Is(authentication, None);
        if (!none && token is not null && credential is not null)
        {
            return Error(authentication, ErrorIds.AuthenticationTokenConflict, "Give -Token (with -Authentication Bearer) or -Credential (with -Authentication Basic), not both.");
        }

        if (Is(authentication, Basic) && credential is null)
        {
            return Error(authentication, ErrorIds.AuthenticationCredentialNotSupplied, "-Authentication Basic needs -Credential.");
        }

        if (Is(authentication, Bearer) && token is null)
        {
            return Error(authentication, ErrorIds.AuthenticationTokenNotSupplied, "-Authentication Bearer needs -Token.");
        }

        if (none && (token is not null || credential is not null))
        {
            // Invoke-WebRequest would keep -Credential for a server's challenge; LoadTest answers no challenges, so say so.
            return Error(authentication, ErrorIds.AuthenticationNotSpecified, "-Token needs -Authentication Bearer, and -Credential needs -Authentication Basic: LoadTest sends them only when told how.");
        }

        if (token is not null)
        {
            authorization = "Bearer " + new System.Net.NetworkCredential(string.Empty, token).Password;
        }
        else if (credential is not null)
        {
            string pair = credential.UserName + ":" + credential.GetNetworkCredential().Password;
            authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(pair));
        }

        return null;
    }

    /// <summary>The error for a request over plain http that would carry -Authentication.</summary>
    public static Func<object?, ErrorRecord> RefuseUnencrypted(string authentication) => target => ErrorRecordFactory.Create(
        ErrorIds.AllowUnencryptedAuthenticationRequired,
        ErrorCategory.InvalidArgument,
        target,
        $"-Authentication {authentication} would send its secret over plain http, where anyone on the path can read it. Use https, or add -AllowUnencryptedAuthentication (only for test servers).");

    private static bool Is(string authentication, string kind) => string.Equals(authentication, kind, StringComparison.OrdinalIgnoreCase);

    private static ErrorRecord Error(string authentication, string id, string message) =>
        ErrorRecordFactory.Create(id, ErrorCategory.InvalidArgument, authentication, message);
}
