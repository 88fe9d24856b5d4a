using System.IO.Compression;
using ArbitrageEngine.Engine.Funding;
using ArbitrageEngine.Engine.Market.Replay;
using static ArbitrageEngine.Tests.Engine.TestData;

namespace ArbitrageEngine.Tests.Engine.Funding;

public class FundingCsvTests
{
    public static string RealDump(string name) => SharedPath("real-data/funding/" + name);

    [Fact]
    public void ReadFile_RealSolDumpWithJitter_RoundsToSettlementAndKeepsEveryRow()
    {
        var rows = FundingCsv.ReadFile(RealDump("SOLUSDT-fundingRate-2020-09.csv"));

        // First rows: 1600012800004 / 1600041600003 / 1600070400008 → exact 8-hourly settlements.
        Assert.Equal(1600012800000, rows[0].TimeMs);
        Assert.Equal(1600041600000, rows[1].TimeMs);
        Assert.Equal(1600070400000, rows[2].TimeMs);
        Assert.Equal(0.0001, rows[0].Rate);
        Assert.Equal(8, rows[0].IntervalHours);
        Assert.All(rows, r => Assert.Equal(0, r.TimeMs % 60_000));
        Assert.Equal(File.ReadLines(RealDump("SOLUSDT-fundingRate-2020-09.csv")).Count() - 1, rows.Count);
    }

    [Fact]
    public void Read_MalformedLine_NamesFileAndLine()
    {
        var csv = FundingCsv.Header + "\n1600012800004,8,0.0001\n1600041600003,8,abc\n";

        var ex = Assert.Throws<CsvFormatException>(() => FundingCsv.Read(new StringReader(csv), "x.csv"));

        Assert.Equal("x.csv", ex.File);
        Assert.Equal(3, ex.Line);
        Assert.Contains("last_funding_rate", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1600012800,8,0.0001", "calc_time")]
    [InlineData("1600012800000,0,0.0001", "funding_interval_hours")]
    [InlineData("1600012800000,8", "3 columns")]
    [InlineData("1600012800000,8,1.5", "last_funding_rate")]
    public void Read_BadValue_ReasonNamesTheColumn(string line, string expected)
    {
        var ex = Assert.Throws<CsvFormatException>(() => FundingCsv.Read(new StringReader(line), "y.csv"));

        Assert.Equal(1, ex.Line);
        Assert.Contains(expected, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoHeaderAndRepeatedSettlement_KeptOnceSorted()
    {
        var rows = FundingCsv.Read(new StringReader("1600041600000,8,0.0002\n1600012800001,8,0.0001\n1600012800000,8,0.0001\n"), "z.csv");

        Assert.Equal([1600012800000, 1600041600000], rows.Select(r => r.TimeMs));
    }

    [Fact]
    public void ReadFile_Zip_ReadsTheCsvInside()
    {
        var zipPath = Path.Combine(Path.GetTempPath(), $"funding-{Guid.NewGuid():N}.zip");
        try
        {
            using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            {
                zip.CreateEntryFromFile(RealDump("XRPUSDT-fundingRate-2024-02.csv"), "XRPUSDT-fundingRate-2024-02.csv");
            }

            var fromZip = FundingCsv.ReadFile(zipPath);

            Assert.Equal(FundingCsv.ReadFile(RealDump("XRPUSDT-fundingRate-2024-02.csv")), fromZip);
            Assert.Equal(29 * 3, fromZip.Count);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }
}
