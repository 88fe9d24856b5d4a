using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Paper;

public sealed class PaperStatisticsPerCoinTests
{
    private static ClosedTrade Trade(string symbol, double r, long exit) =>
        new(Guid.NewGuid(), symbol, TradeDirection.Long, 80, r > 0 ? PositionStatus.Tp : PositionStatus.Sl, exit - 60_000, exit, r, r * 100, r, 0);

    private static readonly ClosedTrade[] Trades =
    [
        Trade("BTCUSDT", 1, 1000), Trade("BTCUSDT", -1, 2000), Trade("ETHUSDT", 2, 3000), Trade("SOLUSDT", -0.5, 4000),
    ];

    [Fact]
    public void PerCoin_MixedSymbols_OneEntryPerTabInOrder()
    {
        var perCoin = PaperStatistics.PerCoin(Trades, 10_000);

        Assert.Equal(["ALL", "BTC", "ETH", "XRP", "SOL"], perCoin.Select(p => p.Coin));
        Assert.Equal([4, 2, 1, 0, 1], perCoin.Select(p => p.Stats.TradeCount));
        Assert.Equal(1.5, perCoin[0].Stats.NetR, 9);
        Assert.Equal(0, perCoin[1].Stats.NetR, 9);
        Assert.Equal(0.5, perCoin[1].Stats.WinRate, 9);
    }

    [Theory]
    [InlineData("BTCUSDT", "BTC")]
    [InlineData("solusdt", "SOL")]
    [InlineData("XRP", "XRP")]
    public void CoinOf_Symbol_DropsQuote(string symbol, string coin) => Assert.Equal(coin, PaperStatistics.CoinOf(symbol));

    [Fact]
    public void ForCoin_All_KeepsEveryTrade() => Assert.Equal(4, PaperStatistics.ForCoin(Trades, "ALL").Count());
}
