using ArbitrageEngine.Web.Cli;
using static ArbitrageEngine.Tests.Engine.TestData;

namespace ArbitrageEngine.Tests.Cli;

[Collection("Console")]
public class ConformanceVerbTests
{
    private static async Task<(int? Code, string Stderr)> Run(params string[] args)
    {
        var previous = Console.Error;
        using var err = new StringWriter();
        Console.SetError(err);
        try
        {
            var code = await CliHost.TryRunAsync(args);
            return (code, err.ToString());
        }
        finally
        {
            Console.SetError(previous);
        }
    }

    [Fact]
    public async Task TryRunAsync_NoVerb_StartsTheWebApp() => Assert.Null((await Run()).Code);

    [Fact]
    public async Task TryRunAsync_UnknownVerb_FailsWithReason()
    {
        var (code, stderr) = await Run("frobnicate");

        Assert.Equal(2, code);
        Assert.Contains("unknown verb", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Conformance_PublicSixHours_WritesExpectationsAndSummary()
    {
        var output = Path.Combine(Path.GetTempPath(), $"actual-{Guid.NewGuid():N}.jsonl");
        try
        {
            var (code, stderr) = await Run("conformance", "--in", GoldenPath("public-6h.jsonl.gz"), "--out", output);

            Assert.Equal(0, code);
            Assert.Matches(@"events=\d+ ticks=1440 seconds=[\d.]+", stderr);
            Assert.Equal(17_443, File.ReadLines(output).Count());
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Conformance_MalformedLine_ExitsNonZeroWithLineNumber()
    {
        var input = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(input, """
            {"type": "config", "symbols": ["BTCUSDT"]}
            {"type": "trade", "symbol": "BTCUSDT", "agg_id": 1, "time_ms": 1, "price": 1, "qty": "lots", "is_buyer_maker": false}
            """);
        try
        {
            var (code, stderr) = await Run("conformance", "--in", input, "--out", input + ".out");

            Assert.Equal(2, code);
            Assert.Contains("line 2: qty must be a number", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(input);
            File.Delete(input + ".out");
        }
    }

    [Fact]
    public async Task Conformance_MissingArguments_FailsWithUsage()
    {
        var (code, stderr) = await Run("conformance", "--in", "nope.jsonl");

        Assert.Equal(2, code);
        Assert.Contains("missing --out", stderr, StringComparison.Ordinal);
    }
}

[CollectionDefinition("Console", DisableParallelization = true)]
public class ConsoleCollection;
