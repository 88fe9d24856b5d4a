using System.IO.Compression;
using System.Text;
using ArbitrageEngine.Engine.Conformance;
using static ArbitrageEngine.Tests.Engine.TestData;

namespace ArbitrageEngine.Tests.Engine.Conformance;

public class GoldenConformanceTests
{
    [Fact]
    public void Run_PublicSixHours_ZeroMismatches()
    {
        var golden = GoldenPath("public-6h.jsonl.gz");
        var stream = GoldenStream.Load(golden);
        using var actual = new MemoryStream();

        var summary = GoldenRunner.Run(stream, actual);

        actual.Position = 0;
        using var goldReader = GoldenStream.OpenText(golden);
        using var actualReader = new StreamReader(actual);
        var report = GoldenComparer.Compare(goldReader, actualReader);
        Assert.True(report.Failed == 0, report.Summary + "\n" + string.Join("\n", report.Mismatches));
        Assert.True(report.Passed > 17_000, report.Summary);
        Assert.Equal(1440, summary.Ticks);
    }

    [Fact]
    public void Compare_ChangedNumberBeyondTolerance_IsAMismatch()
    {
        const string gold = """{"type": "expect_tp1", "strategy_id": "a", "time_ms": 5, "stop": 100.0}""";
        const string near = """{"type": "expect_tp1", "strategy_id": "a", "time_ms": 5, "stop": 100.0000005}""";
        const string far = """{"type": "expect_tp1", "strategy_id": "a", "time_ms": 5, "stop": 100.00001}""";

        Assert.Equal(0, GoldenComparer.Compare(new StringReader(gold), new StringReader(near)).Failed);
        Assert.Equal(1, GoldenComparer.Compare(new StringReader(gold), new StringReader(far)).Failed);
        Assert.Equal(2, GoldenComparer.Compare(new StringReader(gold), new StringReader(far + "\n" + far.Replace("\"a\"", "\"b\"", StringComparison.Ordinal))).Failed);
    }

    [Fact]
    public void Compare_GateBlockSuffix_IsIgnored_BoundaryOnlyNeedsPresence()
    {
        const string gold = """
            {"type": "expect_result", "strategy_id": "a", "time_ms": 1, "gate_block": "low_vol", "boundary": false}
            {"type": "expect_result", "strategy_id": "a", "time_ms": 2, "score": 70.2, "boundary": true}
            """;
        const string actual = """
            {"type": "expect_result", "strategy_id": "a", "time_ms": 1, "gate_block": "low_vol(0.001<0.002)"}
            {"type": "expect_result", "strategy_id": "a", "time_ms": 2, "score": 70.3}
            """;

        Assert.Equal(0, GoldenComparer.Compare(new StringReader(gold), new StringReader(actual)).Failed);
    }

    private const string Config = """{"type": "config", "symbols": ["BTCUSDT"], "eval_interval_ms": 15000, "warmup_ms": 0}""";

    [Theory]
    [InlineData("{not json", 2, "bad JSON")]
    [InlineData("""{"type": "quote", "time_ms": 1}""", 2, "unknown type")]
    [InlineData("""{"type": "trade", "symbol": "BTCUSDT", "agg_id": 1, "time_ms": 1, "price": 1}""", 2, "qty")]
    [InlineData("""{"type": "feature", "symbol": "BTCUSDT", "time_ms": 1, "key": "mood", "value": 1}""", 2, "unknown feature key")]
    [InlineData("""{"type": "tick", "time_ms": 30000}""" + "\n" + """{"type": "tick", "time_ms": 15000}""", 3, "before the previous tick")]
    [InlineData("""{"type": "strategy", "strategy_id": "x"}""", 2, "uuid")]
    public void Read_MalformedLine_ThrowsWithLineNumberAndReason(string body, int line, string reason)
    {
        var ex = Assert.Throws<GoldenFormatException>(() => GoldenStream.Read(new StringReader(Config + "\n" + body)));

        Assert.Equal(line, ex.Line);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoConfigFirst_Throws() =>
        Assert.Equal(1, Assert.Throws<GoldenFormatException>(() => GoldenStream.Read(new StringReader("""{"type": "tick", "time_ms": 1}"""))).Line);

    [Fact]
    public void Load_GzipFile_ReadsLikePlain()
    {
        var path = Path.Combine(Path.GetTempPath(), $"golden-{Guid.NewGuid():N}.jsonl.gz");
        try
        {
            using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            {
                gz.Write(Encoding.UTF8.GetBytes(Config + "\n" + """{"type": "tick", "time_ms": 15000}""" + "\n"));
            }

            var stream = GoldenStream.Load(path);

            Assert.Equal(1, stream.TickCount);
            Assert.Equal(0, stream.Engine.WarmupMs);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
