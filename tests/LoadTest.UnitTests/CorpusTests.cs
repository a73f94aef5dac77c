using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LoadTest.Fuzz;
using Xunit;

namespace LoadTest.UnitTests;

/// <summary>
/// Replays the fuzz corpus (tests/LoadTest.Fuzz/corpus: the seeds, and every input a fuzzer found that once escaped
/// as something other than a protocol error) through the fuzz targets: none may escape now.
/// </summary>
public sealed class CorpusTests
{
    public static TheoryData<string, string> Inputs()
    {
        var inputs = new TheoryData<string, string>();
        foreach (string target in FuzzTargets.Names.Where(name => name != "canary"))
        {
            foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "corpus", target)).Order(StringComparer.Ordinal))
            {
                inputs.Add(target, Path.GetFileName(file));
            }
        }

        return inputs;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void EveryInputOfTheCorpus_EndsInAnOutcomeOrAProtocolError(string target, string file)
    {
        string outcome = FuzzTargets.Run(target, File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", target, file)));
        Assert.False(string.IsNullOrEmpty(outcome));
    }

    [Fact]
    public void EachTarget_HasSeeds()
    {
        var counts = new Dictionary<string, int>();
        foreach (string target in FuzzTargets.Names)
        {
            counts[target] = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "corpus", target)).Length;
        }

        Assert.All(counts, pair => Assert.True(pair.Value >= 1, $"No corpus for {pair.Key}."));
    }

    [Theory]
    [InlineData("1336", "chunk of 4918 bytes")]
    [InlineData("x", "InvalidResponse: The server sent an invalid chunk size. (InvalidResponse)")]
    [InlineData("ffff", "chunk of 65535 bytes")]
    [InlineData("10000", null)]
    public void TheCanary_FailsOnlyOnItsPlantedInput(string input, string? outcome)
    {
        Func<string> run = () => FuzzTargets.Run("canary", System.Text.Encoding.ASCII.GetBytes(input));
        if (outcome is null)
        {
            Assert.Throws<InvalidOperationException>(run);
        }
        else
        {
            Assert.Equal(outcome, run());
        }
    }

    [Theory]
    [InlineData("length", "200 'OK', 2 fields, body 5 bytes 'hello'")]
    [InlineData("invalid-status", "InvalidResponse: The server sent an invalid HTTP status line. (InvalidResponse)")]
    [InlineData("chunked-trailers", "200 'OK', 1 fields, body 5 bytes 'hello'")]
    public void TheHttp1Target_DescribesTheResponse(string file, string outcome)
    {
        Assert.Equal(outcome, FuzzTargets.Run("http1", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "http1", file))));
    }

    [Theory]
    [InlineData("rfc7541-c2", "4 blocks: 4 fields\ncustom-key: custom-header\n:path: /sample/path\npassword: secret\n:method: GET\n")]
    [InlineData("size-updates", "error COMPRESSION_ERROR after 1 blocks: A dynamic table size update came after a header field. (HttpProtocolError)")]
    public void TheHPackTarget_DescribesTheFields(string file, string outcome)
    {
        Assert.Equal(outcome, FuzzTargets.Run("hpack", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "hpack", file))));
    }

    [Fact]
    public void TheHttp2Target_DispatchesFramesToItsThreeStreams()
    {
        string outcome = FuzzTargets.Run("http2", File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "corpus", "http2", "get-head-post")));
        Assert.Equal("ResponseEnded: The server ended the HTTP/2 connection (GOAWAY). (ResponseEnded); GET 200; POST 200; HEAD 200", outcome);
    }
}
