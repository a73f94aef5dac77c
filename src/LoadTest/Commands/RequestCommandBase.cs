using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LoadTest.Engine;
using LoadTest.Parameters;

namespace LoadTest.Commands;

/// <summary>
/// The parameters that say what each request is and how it is sent, shared by the commands that send
/// requests (Invoke-BoundedRequest, Find-MaxRate), so that they take them the same way.
/// </summary>
public abstract class RequestCommandBase : PSCmdlet
{
    /// <summary>
    /// <para type="description">The most requests in flight at once. Default 64.</para>
    /// </summary>
    [Parameter]
    [Alias("Concurrency")]
    [ValidateRange(1, 100_000)]
    public int ThrottleLimit { get; set; } = RunDefaults.ThrottleLimit;

    /// <summary>
    /// <para type="description">The HTTP method. Default GET.</para>
    /// </summary>
    [Parameter]
    [ArgumentCompleter(typeof(HttpMethodCompleter))]
    public string Method { get; set; } = RunDefaults.Method;

    /// <summary>
    /// <para type="description">Headers sent with every request, as a hashtable.</para>
    /// </summary>
    [Parameter]
    public IDictionary? Headers { get; set; }

    /// <summary>
    /// <para type="description">Cookies sent with every request: a string such as 'a=1; b=2', or a hashtable of names and values.</para>
    /// </summary>
    [Parameter]
    public object? Cookie { get; set; }

    /// <summary>
    /// <para type="description">Keep the cookies that servers set and send them back, in one cookie jar shared by the whole run.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter KeepCookies { get; set; }

    /// <summary>
    /// <para type="description">The request body: a string (sent as UTF-8) or a byte array.</para>
    /// </summary>
    [Parameter]
    public object? Body { get; set; }

    /// <summary>
    /// <para type="description">The Content-Type of the body.</para>
    /// </summary>
    [Parameter]
    public string? ContentType { get; set; }

    /// <summary>
    /// <para type="description">Send the body from this file (read once, before the run; at most 64 MB), instead of -Body.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? InFile { get; set; }

    /// <summary>
    /// <para type="description">The User-Agent header of every request. Default: LoadTest/(module version) (PowerShell (version); (OS)). An empty string sends none; a User-Agent in -Headers wins.</para>
    /// </summary>
    [Parameter]
    [AllowEmptyString]
    public string? UserAgent { get; set; }

    /// <summary>
    /// <para type="description">How every request authenticates: None (default), Bearer (with -Token) or Basic (with -Credential). Refused over plain http unless -AllowUnencryptedAuthentication.</para>
    /// </summary>
    [Parameter]
    [ValidateSet(AuthenticationNone, AuthenticationBearer, AuthenticationBasic)]
    public string Authentication { get; set; } = AuthenticationNone;

    /// <summary>
    /// <para type="description">The token of -Authentication Bearer, as a SecureString.</para>
    /// </summary>
    [Parameter]
    public SecureString? Token { get; set; }

    /// <summary>
    /// <para type="description">The user name and password of -Authentication Basic.</para>
    /// </summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>
    /// <para type="description">Allow -Authentication over plain http, where anyone on the path can read the secret. Only for test servers.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter AllowUnencryptedAuthentication { get; set; }

    /// <summary>
    /// <para type="description">Seconds each attempt may take, from sending to its last byte. 0 means no limit. Default 100.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 2_147_483)]
    public int TimeoutSec { get; set; } = RunDefaults.TimeoutSec;

    /// <summary>
    /// <para type="description">Retries after a transport failure, a timeout, or a status in -RetryStatusCode. Default 0.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int MaximumRetryCount { get; set; }

    /// <summary>
    /// <para type="description">Seconds before the first retry; each further retry waits twice as long, with random jitter, at most a minute. A Retry-After header overrides it. Default 5.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public double RetryIntervalSec { get; set; } = RunDefaults.RetryIntervalSec;

    /// <summary>
    /// <para type="description">Status codes that are retried. Default 408, 429 and 500-599.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(100, 999)]
    public int[]? RetryStatusCode { get; set; }

    /// <summary>
    /// <para type="description">Status codes that count as success. Default 200-399.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(100, 999)]
    public int[]? SuccessStatusCode { get; set; }

    /// <summary>
    /// <para type="description">Put the response headers on each result.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter IncludeHeaders { get; set; }

    /// <summary>
    /// <para type="description">Put the response body, as text, on each result (up to -MaximumContentBytes).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter IncludeContent { get; set; }

    /// <summary>
    /// <para type="description">With -IncludeContent, the most body bytes kept per result; the rest is read and counted. Default 1 MB.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaximumContentBytes { get; set; } = RunDefaults.MaximumContentBytes;

    /// <summary>
    /// <para type="description">The HTTP version to use exactly: 1.0, 1.1 (default), 2.0 or 3.0 (where the platform has QUIC).</para>
    /// </summary>
    [Parameter]
    [ValidateSet("1.0", "1.1", "2.0", "3.0")]
    public string HttpVersion { get; set; } = RunDefaults.HttpVersion;

    /// <summary>
    /// <para type="description">Close the connection after each request instead of reusing it.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter DisableKeepAlive { get; set; }

    /// <summary>
    /// <para type="description">Which HTTP client sends the requests: Auto (default) uses LoadTest's own HTTP/1.1 and HTTP/2 clients for http and https without a proxy and HttpClient for the rest; HttpClient sends everything through .NET's HttpClient.</para>
    /// </summary>
    [Parameter]
    public TransportKind Transport { get; set; }

    /// <summary>
    /// <para type="description">The most connections per server. Default: the -ThrottleLimit.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int MaxConnections { get; set; }

    /// <summary>
    /// <para type="description">Accept any TLS certificate. Only for test servers you trust.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    // Where connections go: -UnixSocket, -ConnectTo, -Proxy, -ProxyCredential, -NoProxy (Parameters/ConnectionParameters.cs).

    /// <summary>
    /// <para type="description">Connect directly, ignoring proxy settings from the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter NoProxy { get; set; }

    /// <summary>
    /// <para type="description">Send every request through this proxy (http, https, socks4, socks4a or socks5 URI). Proxied requests go through HttpClient.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? Proxy { get; set; }

    /// <summary>
    /// <para type="description">The user name and password for -Proxy: sent up front as Basic with plain http requests (each goes on the wire once; a 407 is its result), and in answer to the proxy's challenge for the CONNECT tunnels of https requests.</para>
    /// </summary>
    [Parameter]
    [Credential]
    public PSCredential? ProxyCredential { get; set; }

    /// <summary>
    /// <para type="description">Send every request over this Unix domain socket (a path); the URI still gives the Host header, the path and the scheme.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? UnixSocket { get; set; }

    /// <summary>
    /// <para type="description">Connect to another node for a host and port, keeping the Host header and TLS server name of the URI: a hashtable such as @{ 'api.example.test:443' = '127.0.0.1:18443' }, or strings 'host:port=host:port'.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? ConnectTo { get; set; }

    /// <summary>
    /// <para type="description">How many redirects to follow. 0 returns the 3xx response itself. Default 5.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 50)]
    public int MaximumRedirection { get; set; } = RunDefaults.MaximumRedirection;

    /// <summary>
    /// <para type="description">Stop starting requests once more than this many have failed; requests in flight finish, the results and summary so far are written, then a terminating error (ErrorBudgetExceeded) says why.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MaxErrorCount { get; set; }

    /// <summary>
    /// <para type="description">Stop starting requests once the share of failed requests (0 to 1) is above this, judged after -ErrorRateMinimumCount requests; then as -MaxErrorCount.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double MaxErrorRate { get; set; }

    /// <summary>
    /// <para type="description">How many requests must have completed before -MaxErrorRate is judged. Default 100.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ErrorRateMinimumCount { get; set; } = RunDefaults.ErrorRateMinimumCount;

    /// <summary>
    /// <para type="description">The interval of the summary's time series (a TimeSpan or seconds). Default 1 second.</para>
    /// </summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    // Client certificates (mutual TLS), as Invoke-WebRequest takes them: the parameters and their resolution.

    /// <summary>
    /// <para type="description">The client certificate, with its private key, sent to https servers that ask for one (mutual TLS).</para>
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// <para type="description">The thumbprint of a client certificate in the CurrentUser\My store (on Linux and macOS, .NET's own store for CurrentUser\My), sent to https servers that ask for one.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificateThumbprint { get; set; }

    /// <summary>The client certificate of -Certificate or -CertificateThumbprint, or null; or the error that stops the run.</summary>
    internal ErrorRecord? TryResolveCertificate(out X509Certificate2? certificate)
    {
        certificate = Certificate;
        if (CertificateThumbprint is not null)
        {
            if (Certificate is not null)
            {
                return ErrorRecordFactory.Create(ErrorIds.CertificateConflict, ErrorCategory.InvalidArgument, CertificateThumbprint, "Give the client certificate with -Certificate or with -CertificateThumbprint, not both.");
            }

            certificate = FindInMyStore(CertificateThumbprint.Replace(" ", string.Empty, StringComparison.Ordinal));
            if (certificate is null)
            {
                return ErrorRecordFactory.Create(
                    new CryptographicException($"No certificate with the thumbprint '{CertificateThumbprint}' is in the CurrentUser\\My store."),
                    ErrorIds.CertificateNotFound,
                    ErrorCategory.ObjectNotFound,
                    CertificateThumbprint);
            }
        }

        if (certificate is not null && !certificate.HasPrivateKey)
        {
            return ErrorRecordFactory.Create(
                new CryptographicException($"The client certificate '{certificate.Subject}' ({certificate.Thumbprint}) has no private key here: a server cannot accept it without one."),
                ErrorIds.CertificateWithoutPrivateKey,
                ErrorCategory.InvalidArgument,
                certificate);
        }

        return null;
    }

    private static X509Certificate2? FindInMyStore(string thumbprint)
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        try
        {
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        }
        catch (CryptographicException)
        {
            // No such store on this machine yet: nothing can be in it.
            return null;
        }

        X509Certificate2Collection found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, validOnly: false);
        return found.Count > 0 ? found[0] : null;
    }

    /// <summary>The largest -InFile: it is held in memory once and sent by every request.</summary>
    internal const long MaxInFileBytes = 64L * 1024 * 1024;

    private const string AuthenticationNone = "None";
    private const string AuthenticationBearer = "Bearer";
    private const string AuthenticationBasic = "Basic";

    /// <summary>True when requests carry -Authentication, which plain http may not carry without -AllowUnencryptedAuthentication.</summary>
    internal bool NeedsEncryption => !IsAuthentication(AuthenticationNone) && !AllowUnencryptedAuthentication;

    /// <summary>The User-Agent of every request of the run: -UserAgent, or the default, built once per run; null for none.</summary>
    internal string? ResolveUserAgent()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(UserAgent)))
        {
            return string.IsNullOrEmpty(UserAgent) ? null : UserAgent;
        }

        string module = MyInvocation.MyCommand.Module?.Version?.ToString()
            ?? typeof(RequestCommandBase).Assembly.GetName().Version?.ToString(3)
            ?? "0.0.0";
        string powerShell = (SessionState.PSVariable.GetValue("PSVersionTable") as IDictionary)?["PSVersion"]?.ToString()
            ?? typeof(PSObject).Assembly.GetName().Version?.ToString(3)
            ?? "unknown";
        return string.Create(CultureInfo.InvariantCulture, $"LoadTest/{module} (PowerShell {powerShell}; {AsComment(RuntimeInformation.OSDescription)})");
    }

    /// <summary>The Authorization header of -Authentication, or null; or the error that says which parameter is missing.</summary>
    internal ErrorRecord? TryResolveAuthorization(out string? authorization)
    {
        authorization = null;
        bool none = IsAuthentication(AuthenticationNone);
        if (!none && Token is not null && Credential is not null)
        {
            return AuthenticationError(ErrorIds.AuthenticationTokenConflict, "Give -Token (with -Authentication Bearer) or -Credential (with -Authentication Basic), not both.");
        }

        if (IsAuthentication(AuthenticationBasic) && Credential is null)
        {
            return AuthenticationError(ErrorIds.AuthenticationCredentialNotSupplied, "-Authentication Basic needs -Credential.");
        }

        if (IsAuthentication(AuthenticationBearer) && Token is null)
        {
            return AuthenticationError(ErrorIds.AuthenticationTokenNotSupplied, "-Authentication Bearer needs -Token.");
        }

        if (none && (Token is not null || Credential is not null))
        {
            // Invoke-WebRequest would keep -Credential for a server's challenge; LoadTest answers no challenges, so say so.
            return AuthenticationError(ErrorIds.AuthenticationNotSpecified, "-Token needs -Authentication Bearer, and -Credential needs -Authentication Basic: LoadTest sends them only when told how.");
        }

        if (Token is not null)
        {
            authorization = "Bearer " + new System.Net.NetworkCredential(string.Empty, Token).Password;
        }
        else if (Credential is not null)
        {
            string pair = Credential.UserName + ":" + Credential.GetNetworkCredential().Password;
            authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(pair));
        }

        return null;
    }

    /// <summary>The error for a request over plain http that would carry -Authentication.</summary>
    internal ErrorRecord UnencryptedAuthenticationError(object? target) => ErrorRecordFactory.Create(
        ErrorIds.AllowUnencryptedAuthenticationRequired,
        ErrorCategory.InvalidArgument,
        target,
        $"-Authentication {Authentication} would send its secret over plain http, where anyone on the path can read it. Use https, or add -AllowUnencryptedAuthentication (only for test servers).");

    /// <summary>The body of every request: -Body, or the bytes of -InFile read now; or the error that stops the run.</summary>
    internal ErrorRecord? TryResolveBody(out object? body)
    {
        body = Body;
        if (InFile is null)
        {
            return null;
        }

        if (Body is not null)
        {
            return ErrorRecordFactory.Create(ErrorIds.BodyConflict, ErrorCategory.InvalidArgument, InFile, "Give the body with -Body or with -InFile, not both.");
        }

        string path;
        try
        {
            path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(InFile, out ProviderInfo provider, out _);
            if (!provider.Name.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                return InFileNotFound($"-InFile '{InFile}' is not a file system path.");
            }
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ArgumentException)
        {
            return InFileNotFound($"-InFile '{InFile}' was not found: {ex.Message}");
        }

        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return InFileNotFound(Directory.Exists(path)
                ? $"-InFile '{InFile}' is a directory; give a file."
                : $"-InFile '{InFile}' was not found (looked for '{path}').");
        }

        if (file.Length > MaxInFileBytes)
        {
            return ErrorRecordFactory.Create(
                new IOException(string.Create(CultureInfo.InvariantCulture, $"-InFile '{InFile}' has {file.Length} bytes; at most {MaxInFileBytes} (64 MB) can be sent, since the body is held in memory and sent by every request.")),
                ErrorIds.InFileTooLarge,
                ErrorCategory.LimitsExceeded,
                InFile);
        }

        try
        {
            body = File.ReadAllBytes(path);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ErrorRecordFactory.Create(new IOException($"-InFile '{InFile}' could not be read: {ex.Message}", ex), ErrorIds.InFileUnreadable, ErrorCategory.ReadError, InFile);
        }
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

    private bool IsAuthentication(string kind) => string.Equals(Authentication, kind, StringComparison.OrdinalIgnoreCase);

    private ErrorRecord AuthenticationError(string id, string message) =>
        ErrorRecordFactory.Create(id, ErrorCategory.InvalidArgument, Authentication, message);

    private ErrorRecord InFileNotFound(string message) =>
        ErrorRecordFactory.Create(new FileNotFoundException(message, InFile), ErrorIds.InFileNotFound, ErrorCategory.ObjectNotFound, InFile);
}
