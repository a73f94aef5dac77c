using System;
using System.Management.Automation;

namespace LoadTest.Parameters;

/// <summary>Builds the ErrorRecords of this module, so each error has a specific id and category.</summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord Create(string errorId, ErrorCategory category, object? target, string message) =>
        new(new ArgumentException(message), errorId, category, target);

    public static ErrorRecord Create(Exception exception, string errorId, ErrorCategory category, object? target) =>
        new(exception, errorId, category, target);
}
