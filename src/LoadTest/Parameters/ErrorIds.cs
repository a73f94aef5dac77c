namespace LoadTest.Parameters;

/// <summary>The ErrorIds this module writes; tests and users match on them.</summary>
internal static class ErrorIds
{
    public const string InvalidUri = "InvalidUri";
    public const string UnsupportedUriScheme = "UnsupportedUriScheme";
    public const string MissingUri = "MissingUri";
    public const string NullInput = "NullInput";
    public const string InvalidMethod = "InvalidMethod";
    public const string InvalidHeader = "InvalidHeader";
    public const string UnsupportedHeadersType = "UnsupportedHeadersType";
    public const string UnsupportedBodyType = "UnsupportedBodyType";
    public const string UnsupportedCookieType = "UnsupportedCookieType";
    public const string HttpVersionNotSupported = "HttpVersionNotSupported";
    public const string SocketEngineNotSupported = "SocketEngineNotSupported";
    public const string InvalidStatusCode = "InvalidStatusCode";
    public const string InvalidDuration = "InvalidDuration";
    public const string ResultWriteFailed = "ResultWriteFailed";
    public const string NotARequestResult = "NotARequestResult";
    public const string InvalidInterval = "InvalidInterval";

    public const string InvalidStage = "InvalidStage";

    public const string InvalidCapacitySearch = "InvalidCapacitySearch";
    public const string ErrorBudgetExceeded = "ErrorBudgetExceeded";
    public const string ThresholdFailed = "ThresholdFailed";
    public const string NoThresholds = "NoThresholds";
    public const string InvalidSummary = "InvalidSummary";
    public const string RemoteRunFailed = "RemoteRunFailed";
    public const string RemoteModuleVersionMismatch = "RemoteModuleVersionMismatch";
    public const string RemoteModuleNotImported = "RemoteModuleNotImported";
    public const string RemoteSessionNotResponding = "RemoteSessionNotResponding";
    public const string RemoteSessionLost = "RemoteSessionLost";
    public const string InvalidExecutionSegment = "InvalidExecutionSegment";
    public const string EngineFailed = "EngineFailed";
    public const string PortInUse = "PortInUse";
    public const string InvalidDelayRange = "InvalidDelayRange";
    public const string TestServerNotFound = "TestServerNotFound";
    public const string RegressionDetected = "RegressionDetected";
    public const string JUnitWriteFailed = "JUnitWriteFailed";
    public const string HistogramWriteFailed = "HistogramWriteFailed";
    public const string ReportWriteFailed = "ReportWriteFailed";
    public const string NoSummary = "NoSummary";
    public const string InvalidThreshold = "InvalidThreshold";
    public const string InvalidComparison = "InvalidComparison";
    public const string InvalidUriTemplate = "InvalidUriTemplate";
    public const string InvalidBodyTemplate = "InvalidBodyTemplate";
    public const string BodyConflict = "BodyConflict";
    public const string InFileNotFound = "InFileNotFound";
    public const string InFileTooLarge = "InFileTooLarge";
    public const string InFileUnreadable = "InFileUnreadable";
    public const string AuthenticationTokenNotSupplied = "AuthenticationTokenNotSupplied";
    public const string AuthenticationCredentialNotSupplied = "AuthenticationCredentialNotSupplied";
    public const string AuthenticationTokenConflict = "AuthenticationTokenConflict";
    public const string AuthenticationNotSpecified = "AuthenticationNotSpecified";
    public const string AllowUnencryptedAuthenticationRequired = "AllowUnencryptedAuthenticationRequired";
    public const string InvalidConnectTo = "InvalidConnectTo";
    public const string UnixSocketNotFound = "UnixSocketNotFound";
    public const string InvalidProxy = "InvalidProxy";
    public const string ProxyConflict = "ProxyConflict";
    public const string ProxyCredentialWithoutProxy = "ProxyCredentialWithoutProxy";
    public const string CertificateNotFound = "CertificateNotFound";
    public const string CertificateWithoutPrivateKey = "CertificateWithoutPrivateKey";
    public const string CertificateConflict = "CertificateConflict";
    public const string CertificateNotForSessions = "CertificateNotForSessions";

    public const string InvalidCheck = "InvalidCheck";
    public const string UnknownCheckKey = "UnknownCheckKey";
    public const string InvalidCheckValue = "InvalidCheckValue";
    public const string InvalidCheckStatusCode = "InvalidCheckStatusCode";
    public const string InvalidCheckPattern = "InvalidCheckPattern";
    public const string InvalidJsonPointer = "InvalidJsonPointer";
    public const string InvalidCheckPassRate = "InvalidCheckPassRate";
    public const string InvalidFlow = "InvalidFlow";
    public const string UnknownFlowStepKey = "UnknownFlowStepKey";
    public const string FlowStepWithoutUri = "FlowStepWithoutUri";
    public const string InvalidFlowExtraction = "InvalidFlowExtraction";
    public const string FlowVariableNotSet = "FlowVariableNotSet";
    public const string StepNotFound = "StepNotFound";

    public const string MetricsPortInUse = "MetricsPortInUse";
    public const string MetricsEndpointFailed = "MetricsEndpointFailed";
    public const string InvalidMetricsPort = "InvalidMetricsPort";
}
