using System;
using System.IO;
using System.Runtime.InteropServices;

namespace LoadTest.Engine;

/// <summary>
/// The process's open-file limit (RLIMIT_NOFILE on Linux and macOS) and how many descriptors it holds:
/// every connection is a descriptor, and one the runtime cannot get must become a counted failure.
/// </summary>
internal static partial class ResourceLimits
{
    private const int LinuxNoFile = 7;
    private const int MacNoFile = 8;

    /// <summary>The soft open-file limit; null where the platform has none that we can read (Windows).</summary>
    public static long? OpenFileLimit
    {
        get
        {
            int resource = OperatingSystem.IsLinux() ? LinuxNoFile : OperatingSystem.IsMacOS() ? MacNoFile : -1;
            if (resource < 0)
            {
                return null;
            }

            try
            {
                return GetRLimit(resource, out RLimit limit) == 0 && limit.Current < long.MaxValue ? (long)limit.Current : null;
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                return null;
            }
        }
    }

    /// <summary>Descriptors open now (Linux: /proc/self/fd); null where that cannot be read.</summary>
    public static int? OpenFileCount
    {
        get
        {
            try
            {
                return OperatingSystem.IsLinux() ? Directory.GetFiles("/proc/self/fd").Length : null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// How much memory kept bodies may take when that may not fit: each result in flight or waiting for the
    /// caller may hold maximumContentBytes, read into a buffer and then kept as UTF-16 text (three bytes per
    /// byte). Null when the worst case fits in half of what this process may use.
    /// </summary>
    public static ContentMemory? CheckContentMemory(int results, int maximumContentBytes)
    {
        long worst = (long)results * maximumContentBytes * 3;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return worst <= available / 2 ? null : new ContentMemory(results, maximumContentBytes, worst, available);
    }

    /// <summary>
    /// The most connections that fit the open-file limit, with room to spare: each is a descriptor, and one
    /// on the server side too when the test server runs in this process. Running out of descriptors can fail
    /// the runtime itself (pwsh then dies), so a run is capped to fit instead. Returns
    /// <paramref name="requested"/> when it fits or the platform has no such limit.
    /// </summary>
    public static int FitConnections(int requested, bool serverInProcess)
    {
        if (OpenFileLimit is not { } limit)
        {
            return requested;
        }

        long spare = (limit - (OpenFileCount ?? 0)) * 3 / 4;
        long fits = Math.Max(1, spare / (serverInProcess ? 2 : 1));
        return (int)Math.Min(requested, fits);
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}

