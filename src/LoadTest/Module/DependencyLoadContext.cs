using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace LoadTest.Module;

/// <summary>
/// Loads the module's third-party dependencies (from its "dependencies" folder) into a load context of
/// their own, so that another module using another version of the same library cannot clash with ours.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private static readonly string s_directory = Path.Combine(
        Path.GetDirectoryName(typeof(DependencyLoadContext).Assembly.Location) ?? AppContext.BaseDirectory,
        "dependencies");

    private static readonly DependencyLoadContext s_instance = new();
    private static int s_registered;

    private DependencyLoadContext()
        : base("LoadTest.Dependencies", isCollectible: false)
    {
    }

    /// <summary>Makes the default context hand our dependencies' names to this context. Safe to call again.</summary>
    public static void Register()
    {
        if (System.Threading.Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            Default.Resolving += OnResolving;
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string? path = PathOf(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    private static Assembly? OnResolving(AssemblyLoadContext context, AssemblyName assemblyName) =>
        PathOf(assemblyName) is null ? null : s_instance.LoadFromAssemblyName(assemblyName);

    private static string? PathOf(AssemblyName assemblyName)
    {
        if (string.IsNullOrEmpty(assemblyName.Name))
        {
            return null;
        }

        string path = Path.Combine(s_directory, assemblyName.Name + ".dll");
        return File.Exists(path) ? path : null;
    }
}
