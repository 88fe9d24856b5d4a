using System.IO.Compression;
using ArbitrageEngine.Engine.Market.Replay;

namespace ArbitrageEngine.Tests.Engine.Market.Replay;

public class AggTradeCsvTests
{
    private const string Header = "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker";

    [Fact]
    public void Read_WithHeader_OutOfOrderAndZeroQty_SortsAndSkips()
    {
        var csv = $"""
            {Header}
            12,100.5,0.5,20,21,1700000000300,true
            10,100.1,1.0,16,17,1700000000100,false
            11,100.2,0,18,19,1700000000200,false
            13,100.6,2.25,22,22,1700000000400,FALSE
            """;

        var result = AggTradeCsv.Read(new StringReader(csv), "test.csv");

        Assert.Equal(4, result.Rows);
        Assert.Equal(1, result.SkippedZeroQty);
        Assert.Equal([10L, 12, 13], result.Trades.Select(t => t.AggId));
        Assert.True(result.Trades[1].IsBuyerMaker);
        Assert.False(result.Trades[2].IsBuyerMaker);
        Assert.Equal(2.25, result.Trades[2].Qty);
    }

    [Fact]
    public void Read_WithoutHeader_ReadsFirstRow()
    {
        var result = AggTradeCsv.Read(new StringReader("5,1.0,1.0,1,1,1000,true\n6,1.1,2.0,2,2,1001,false\n"), "x.csv");

        Assert.Equal(2, result.Trades.Count);
        Assert.Equal(5, result.Trades[0].AggId);
    }

    [Fact]
    public void Read_RepeatedId_KeptOnceAndCounted()
    {
        var result = AggTradeCsv.Read(new StringReader("5,1.0,1.0,1,1,1000,true\n5,1.0,1.0,1,1,1000,true\n"), "x.csv");

        Assert.Single(result.Trades);
        Assert.Equal(1, result.DuplicateIds);
    }

    [Theory]
    [InlineData("5,abc,1.0,1,1,1000,true", "price")]
    [InlineData("5,1.0,-1,1,1,1000,true", "quantity")]
    [InlineData("5,1.0,1.0,1,1,1000,maybe", "is_buyer_maker")]
    [InlineData("5,1.0,1.0,1,1,1000", "expected 7 columns")]
    [InlineData("x5,1.0,1.0,1,1,1000,true", "agg_trade_id")]
    [InlineData("5,1.0,1.0,1,1,soon,true", "transact_time")]
    public void Read_MalformedRow_ThrowsWithLine(string badRow, string reason)
    {
        var ex = Assert.Throws<CsvFormatException>(() =>
            AggTradeCsv.Read(new StringReader($"{Header}\n1,1.0,1.0,1,1,999,true\n{badRow}\n"), "bad.csv"));

        Assert.Equal(3, ex.Line);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_RealEthSample_ThousandTradesSorted()
    {
        var path = ArbitrageEngine.Tests.Engine.TestData.SharedPath("real-data/ETHUSDT-aggTrades-2023-02-02-sample.csv");

        var result = AggTradeCsv.ReadFile(path);

        Assert.Equal(1000, result.Rows);
        Assert.Equal(1000 - result.SkippedZeroQty - result.DuplicateIds, result.Trades.Count);
        Assert.Equal(1206419187, result.Trades[0].AggId);
        Assert.Equal(1666.8, result.Trades[0].Price);
        Assert.Equal(26.062, result.Trades[0].Qty);
        Assert.True(result.Trades.Zip(result.Trades.Skip(1)).All(p => p.First.AggId < p.Second.AggId));
    }

    [Fact]
    public void ReadFile_Zip_ReadsTheCsvInside()
    {
        var zip = Path.Combine(Path.GetTempPath(), $"BTCUSDT-aggTrades-{Guid.NewGuid():N}.zip");
        try
        {
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            {
                using var writer = new StreamWriter(archive.CreateEntry("BTCUSDT-aggTrades-2026-10-07.csv").Open());
                writer.Write("7,60000.1,0.010,1,1,1000,false\n8,60000.2,0.020,2,2,1001,true\n");
            }

            Assert.Equal(2, AggTradeCsv.ReadFile(zip).Trades.Count);
        }
        finally
        {
            File.Delete(zip);
        }
    }
}
