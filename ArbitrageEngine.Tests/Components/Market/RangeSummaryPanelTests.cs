using ArbitrageEngine.Tests.Components.Plaza;
using ArbitrageEngine.Web.Components.Market;
using ArbitrageEngine.Web.Market;
using Bunit;

namespace ArbitrageEngine.Tests.Components.Market;

public sealed class RangeSummaryPanelTests : MudTestContext
{
    private static RangeSummary Summary(long trades = 6, decimal whaleBuy = 0, decimal whaleSell = 157_500) =>
        new(0, 360_000, 6, trades, 4.5m, 1503m, 471m, 157_803m, 100, 110, 98, 110, whaleBuy, whaleSell, whaleBuy + whaleSell > 0 ? 1 : 0, 100_000);

    [Fact]
    public void Render_Summary_ShowsTotalsVwapCvdAndWhaleFlow()
    {
        var cut = Render<RangeSummaryPanel>(p => p
            .Add(c => c.Summary, Summary())
            .Add(c => c.Largest, [new MarketTrade(2, 20_000, 105, 1_500, true), new MarketTrade(6, 300_500, 110, 2, false)]));

        Assert.Equal("6", cut.Find("[data-testid=range-trades]").TextContent);
        Assert.Equal("4.5", cut.Find("[data-testid=range-buy]").TextContent);
        Assert.Equal("1,503", cut.Find("[data-testid=range-sell]").TextContent);
        Assert.Equal("-1.5K", cut.Find("[data-testid=range-cvd]").TextContent);
        Assert.Equal("104.99", cut.Find("[data-testid=range-vwap]").TextContent); // (471 + 157,803) / 1,507.5
        Assert.Equal("+10.00%", cut.Find("[data-testid=range-change]").TextContent);
        Assert.Equal("-100.00%", cut.Find("[data-testid=range-whale-ratio]").TextContent);
        Assert.Equal(2, cut.FindAll("[data-testid=range-largest-row]").Count);
        Assert.Contains("157.5K U", cut.Find("[data-testid=range-largest]").TextContent);
    }

    [Fact]
    public void Render_NoWhalesNoLargest_ShowsDashAndNoTrades()
    {
        var cut = Render<RangeSummaryPanel>(p => p.Add(c => c.Summary, Summary(whaleSell: 0)).Add(c => c.Largest, []));

        Assert.Equal("—", cut.Find("[data-testid=range-whale-ratio]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=range-largest-row]"));
    }
}
