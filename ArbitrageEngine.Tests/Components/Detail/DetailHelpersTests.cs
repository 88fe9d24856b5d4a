using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Components.Detail;

namespace ArbitrageEngine.Tests.Components.Detail;

public sealed class DetailHelpersTests
{
    private static PaperPosition Long(double feeRate = 0) => new()
    {
        PositionId = 1,
        Symbol = "BTCUSDT",
        Direction = TradeDirection.Long,
        Tier = "standard",
        Entry = 100,
        EntryTimeMs = 0,
        Sl = 98,
        Tp1 = 101.5,
        Tp2 = 103,
        Rd = 2,
        RiskUsd = 200,
        Tp1Ratio = 0.75,
        Tp2Ratio = 1.5,
        TimeoutMinutes = 240,
        FeeRate = feeRate,
    };

    [Fact]
    public void At_BeforeTp1_WholePositionMovesWithPrice()
    {
        var v = OpenPositionView.At(PaperPosition.Restore(Long(), false, null, 98).ToSnapshot(), 101, 30 * 60_000);

        Assert.Equal(0.5, v.UnrealisedR!.Value, 9);
        Assert.Equal(100, v.UnrealisedUsdt!.Value, 9);
        Assert.Equal(30, v.HeldMinutes, 9);
    }

    [Fact]
    public void At_AfterTp1_OnlyRemainingHalfMovesWithPrice()
    {
        var v = OpenPositionView.At(PaperPosition.Restore(Long(), true, 1, 100).ToSnapshot(), 104, 0);

        // Half banked at TP1 (0.75R) plus half of the 2R move.
        Assert.Equal(0.5 * 0.75 + 0.5 * 2, v.UnrealisedR!.Value, 9);
        Assert.Equal(275, v.UnrealisedUsdt!.Value, 9);
    }

    [Fact]
    public void At_WithFees_SubtractsRoundTripFeesInR()
    {
        var v = OpenPositionView.At(PaperPosition.Restore(Long(feeRate: 0.0005), false, null, 98).ToSnapshot(), 100, 0);

        Assert.Equal(-2 * 0.0005 * 100 / 2, v.UnrealisedR!.Value, 9);
    }

    [Fact]
    public void At_NoPrice_LeavesUnrealisedUnknown()
    {
        var v = OpenPositionView.At(PaperPosition.Restore(Long(), false, null, 98).ToSnapshot(), null, 0);

        Assert.Null(v.UnrealisedR);
        Assert.Null(v.UnrealisedUsdt);
    }

    [Fact]
    public void Csv_RowWithComma_QuotesCellAndKeepsHeader()
    {
        var row = new TradeRow(7, "BTC,USDT", "LONG", "tp", "standard", 80, 100, 0, 103, 60_000, 98, 101.5, 103, true, 1.125, 225m, 200m);

        var lines = DetailText.Csv([row]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.StartsWith("position_id,symbol,direction,status", lines[0]);
        Assert.StartsWith("7,\"BTC,USDT\",LONG,tp,standard,80,100,0,1970-01-01 08:00:00,103,60000,", lines[1]);
        Assert.EndsWith(",true,1.125,225,200", lines[1]);
    }

    [Fact]
    public void Changes_BeforeAfterJson_ListsOnlyChangedFields()
    {
        var changes = DetailText.Changes("""{"entry_score":75,"symbol":"BTCUSDT","display_name":"a"}""", """{"entry_score":80,"symbol":"BTCUSDT","display_name":"b"}""");

        Assert.Equal([("entry_score", "75", "80"), ("display_name", "a", "b")], changes.Select(c => (c.Field, c.Before, c.After)).ToArray());
    }

    [Theory]
    [InlineData(10, 20, "long resonance")]
    [InlineData(-10, -20, "short resonance")]
    [InlineData(10, -20, "divergence")]
    public void Resonance_CvdSigns_GivesBadge(double fast, double slow, string expected) =>
        Assert.Equal(expected, DetailText.Resonance(fast, slow).Text);
}
