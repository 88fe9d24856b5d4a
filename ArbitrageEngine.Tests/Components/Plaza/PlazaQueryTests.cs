using ArbitrageEngine.Web.Components.Plaza;
using static ArbitrageEngine.Tests.Components.Plaza.PlazaSamples;

namespace ArbitrageEngine.Tests.Components.Plaza;

public sealed class PlazaQueryTests
{
    private static string[] Names(PlazaQuery query, params ArbitrageEngine.Web.Strategies.StrategySummary[] items) =>
        [.. query.Apply(items).Select(s => s.Strategy.DisplayName)];

    [Fact]
    public void Apply_DefaultQuery_SortsByNetUsdtDescending()
    {
        Assert.Equal(["b", "c", "a"], Names(new PlazaQuery(), Summary("a", netUsdt: -5), Summary("b", netUsdt: 50), Summary("c", netUsdt: 0)));
    }

    [Fact]
    public void Apply_NetUsdtAscending_SortsLossesFirst()
    {
        Assert.Equal(["a", "c", "b"], Names(new PlazaQuery(Sort: PlazaSort.NetUsdtAsc), Summary("a", netUsdt: -5), Summary("b", netUsdt: 50), Summary("c", netUsdt: 0)));
    }

    [Fact]
    public void Apply_Pnl24hDescendingAndAscending_SortBy24hPnlNotNet()
    {
        var a = Summary("a", netUsdt: 100, pnl24h: -10);
        var b = Summary("b", netUsdt: -100, pnl24h: 20);
        Assert.Equal(["b", "a"], Names(new PlazaQuery(Sort: PlazaSort.Pnl24hDesc), a, b));
        Assert.Equal(["a", "b"], Names(new PlazaQuery(Sort: PlazaSort.Pnl24hAsc), a, b));
    }

    [Fact]
    public void Apply_MostRecent_UsesLastTradeElseStartTime()
    {
        var traded = Summary("traded", lastExitMs: Created.AddDays(2).ToUnixTimeMilliseconds());
        var newer = Summary("new, no trades", trades: 0, wins: 0, created: Created.AddDays(3));
        var old = Summary("old", lastExitMs: Created.AddDays(1).ToUnixTimeMilliseconds());
        Assert.Equal(["new, no trades", "traded", "old"], Names(new PlazaQuery(Sort: PlazaSort.MostRecent), old, traded, newer));
    }

    [Fact]
    public void Apply_EqualKeys_BreaksTiesByName()
    {
        Assert.Equal(["a", "b"], Names(new PlazaQuery(), Summary("b"), Summary("a")));
    }

    [Fact]
    public void Apply_SymbolFilter_KeepsOnlyThatSymbol()
    {
        Assert.Equal(["eth"], Names(new PlazaQuery(Symbol: "ETHUSDT"), Summary("btc", symbol: "BTCUSDT"), Summary("eth", symbol: "ETHUSDT")));
    }

    [Fact]
    public void Apply_ProfitAndLossFilters_ExcludeBreakEven()
    {
        var items = new[] { Summary("up", netUsdt: 1), Summary("down", netUsdt: -1), Summary("flat", netUsdt: 0) };
        Assert.Equal(["up"], Names(new PlazaQuery(Pnl: PnlFilter.Profit), items));
        Assert.Equal(["down"], Names(new PlazaQuery(Pnl: PnlFilter.Loss), items));
        Assert.Equal(3, new PlazaQuery(Pnl: PnlFilter.All).Apply(items).Count);
    }

    [Theory]
    [InlineData(StatusFilter.Running, "r")]
    [InlineData(StatusFilter.Paused, "p")]
    [InlineData(StatusFilter.Error, "e")]
    public void Apply_StatusFilter_MatchesDisplayStatus(StatusFilter filter, string expected)
    {
        // "e" is running underneath but shown as error (no evaluation for 5 min): it must not count as running.
        var items = new[] { Summary("r", status: "running"), Summary("p", status: "paused"), Summary("e", status: "error") };
        Assert.Equal([expected], Names(new PlazaQuery(Status: filter), items));
    }

    [Fact]
    public void Apply_PositionsFilter_SplitsByOpenPositions()
    {
        var items = new[] { Summary("open", openPositions: 2), Summary("flat", openPositions: 0) };
        Assert.Equal(["open"], Names(new PlazaQuery(Positions: PositionsFilter.With), items));
        Assert.Equal(["flat"], Names(new PlazaQuery(Positions: PositionsFilter.Without), items));
    }

    [Fact]
    public void Apply_CombinedFilters_AllMustMatch()
    {
        var items = new[]
        {
            Summary("hit", symbol: "SOLUSDT", netUsdt: 5, openPositions: 1),
            Summary("wrong symbol", symbol: "BTCUSDT", netUsdt: 5, openPositions: 1),
            Summary("loss", symbol: "SOLUSDT", netUsdt: -5, openPositions: 1),
            Summary("no position", symbol: "SOLUSDT", netUsdt: 5),
        };
        Assert.Equal(["hit"], Names(new PlazaQuery("SOLUSDT", PnlFilter.Profit, StatusFilter.Running, PositionsFilter.With), items));
    }

    [Fact]
    public void Apply_NothingMatches_ReturnsEmpty()
    {
        Assert.Empty(new PlazaQuery(Symbol: "XRPUSDT").Apply([Summary(symbol: "BTCUSDT")]));
    }

    [Fact]
    public void Rows_SevenItemsThreePerRow_ChunksIntoThreeRows()
    {
        var items = Enumerable.Range(0, 7).Select(i => Summary($"s{i}")).ToList();
        var rows = PlazaQuery.Rows(items, 3);
        Assert.Equal([3, 3, 1], rows.Select(r => r.Length));
    }
}
