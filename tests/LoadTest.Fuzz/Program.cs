using System;
using System.IO;
using System.Linq;
using SharpFuzz;

namespace LoadTest.Fuzz;

/// <summary>
/// The fuzz harness. Under afl-fuzz: <c>LoadTest.Fuzz TARGET</c> (see tools/Invoke-Fuzz.ps1). To replay inputs
/// without afl: <c>LoadTest.Fuzz TARGET FILE|FOLDER...</c> prints each outcome, and exits 1 if any is a finding.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
        {
            Console.Error.WriteLine($"Usage: LoadTest.Fuzz {string.Join('|', FuzzTargets.Names)} [FILE|FOLDER...]");
            return 2;
        }

        string target = args[0];
        if (args.Length == 1)
        {
            // Out of process: a hang or a crash that takes the process down ends only the child SharpFuzz restarts.
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                try
                {
                    FuzzTargets.Run(target, copy.ToArray());
                }
                catch (FuzzFindingException finding)
                {
                    finding.ThrowInner();
                }
            });
            return 0;
        }

        int findings = 0;
        foreach (string file in args.Skip(1).SelectMany<string, string>(path => Directory.Exists(path) ? Directory.GetFiles(path).Order(StringComparer.Ordinal) : [path]))
        {
            try
            {
                Console.WriteLine($"{Path.GetFileName(file)}: {FuzzTargets.Run(target, File.ReadAllBytes(file)).ReplaceLineEndings(" | ")}");
            }
            catch (Exception ex)
            {
                findings++;
                Console.WriteLine($"{Path.GetFileName(file)}: FINDING {ex}");
            }
        }

        return findings == 0 ? 0 : 1;
    }
}
