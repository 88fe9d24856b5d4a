using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Paper;

public class PaperBrokerTests
{
    private sealed class Recorder : IBrokerListener
    {
        public List<string> Events { get; } = [];

        public void Opened(PaperPosition position) => Events.Add($"open {position.Direction}");

        public void Tp1(PaperPosition position) => Events.Add($"tp1 {position.Stop}");

        public void Closed(PaperPosition position, double balanceAfter) => Events.Add($"close {position.Status.Name()} {position.ExitPrice}");
    }

    private static long _aggId;

    /// <summary>A trade at <paramref name="time"/> and <paramref name="price"/> with the next agg_id.</summary>
    private static AggTrade T(long time, double price) => new(Interlocked.Increment(ref _aggId), time, price, 1, false);

    private static PaperBroker Attached(PaperBroker broker, IBrokerListener listener)
    {
        broker.Attach(listener);
        return broker;
    }

    // entry 1000, ATR 10, SL 2×ATR: rd 20; long: SL 980, TP1 1000+20 = 1020 (1R), TP2 1040 (2R)
    private static readonly StrategyDefinition Strategy = StrategyDefinition.CreateDefault("BTCUSDT", "b") with
    {
        StrategyId = Guid.NewGuid(),
        SlAtrMultiplier = 2,
        Tp1Ratio = 1,
        Tp2Ratio = 2,
        TimeoutMinutes = 30,
    };

    private static ScoreResult Signal(double price = 1000, double atr = 10, long time = 0) => new()
    {
        StrategyId = Strategy.StrategyId,
        Symbol = "BTCUSDT",
        TimeMs = time,
        Score = 80,
        Price = price,
        Atr = atr,
    };

    private static (PaperBroker Broker, Recorder Events, PaperPosition Position) Open(TradeDirection direction, PaperSettings? settings = null)
    {
        var events = new Recorder();
        var broker = Attached(new PaperBroker(settings ?? new PaperSettings { FeeRate = 0 }), events);
        broker.AccountFor(Strategy);
        var position = broker.Open(Strategy, Signal(), direction, "standard", out _)!;
        return (broker, events, position);
    }

    [Fact]
    public void Open_Long_LevelsFromAtrAndRatios()
    {
        var (_, _, p) = Open(TradeDirection.Long);

        Assert.Equal((980.0, 1020.0, 1040.0, 20.0), (p.Sl, p.Tp1, p.Tp2, p.Rd));
        Assert.Equal(10_000 * 0.02, p.RiskUsd);
    }

    [Fact]
    public void Open_Short_LevelsMirrored_HeavyTierRisksMore()
    {
        var broker = new PaperBroker(new PaperSettings());
        var p = broker.Open(Strategy, Signal(), TradeDirection.Short, "heavy", out _)!;

        Assert.Equal((1020.0, 980.0, 960.0), (p.Sl, p.Tp1, p.Tp2));
        Assert.Equal(10_000 * 0.02 * 1.5, p.RiskUsd);
    }

    [Fact]
    public void Open_ZeroAtr_IsRejected()
    {
        var broker = new PaperBroker(new PaperSettings());

        Assert.Null(broker.Open(Strategy, Signal(atr: 0), TradeDirection.Long, "standard", out var why));
        Assert.Equal("atr_not_positive", why);
        Assert.Equal(0, broker.ActiveCount);
    }

    [Fact]
    public void OnTrade_PriceGapsThroughStop_ExitsAtStopLevel()
    {
        var (broker, events, p) = Open(TradeDirection.Long);

        broker.OnTrade("BTCUSDT", T(1000, 950)); // far below the 980 stop

        Assert.Equal(PositionStatus.Sl, p.Status);
        Assert.Equal(980, p.ExitPrice);
        Assert.Equal(-1, p.PnlR);
        Assert.Equal(["open Long", "close sl 980"], events.Events);
    }

    [Fact]
    public void OnTrade_PriceGapsThroughTp2WithoutTp1_ClosesBothHalvesAtTp2()
    {
        var (broker, _, p) = Open(TradeDirection.Long);

        broker.OnTrade("BTCUSDT", T(1000, 1100));

        Assert.Equal(PositionStatus.Tp, p.Status);
        Assert.Equal(1040, p.ExitPrice);
        Assert.Equal((0.5 * 1) + (0.5 * 2), p.PnlR);
        Assert.False(p.Tp1Hit);
    }

    [Fact]
    public void OnTrade_Tp1ThenBackToEntry_MovesStopAndExitsBreakEven()
    {
        var (broker, events, p) = Open(TradeDirection.Long);

        broker.OnTrade("BTCUSDT", T(1000, 1025));
        broker.OnTrade("BTCUSDT", T(2000, 1001));
        broker.OnTrade("BTCUSDT", T(3000, 999));

        Assert.Equal(PositionStatus.SlBe, p.Status);
        Assert.Equal(1000, p.ExitPrice);
        Assert.Equal(0.5, p.PnlR); // half at +1R, half at 0
        Assert.Equal(["open Long", "tp1 1000", "close sl_be 1000"], events.Events);
    }

    [Fact]
    public void OnTrade_Tp1WithBreakEvenBuffer_StopAboveEntry()
    {
        var (broker, _, p) = Open(TradeDirection.Long, new PaperSettings { FeeRate = 0, BeBufferAtr = 0.5 });

        broker.OnTrade("BTCUSDT", T(1000, 1020));
        broker.OnTrade("BTCUSDT", T(2000, 1004));

        Assert.Equal(1005, p.ExitPrice);
        Assert.Equal((0.5 * 1) + (0.5 * (5.0 / 20)), p.PnlR!.Value, 12);
    }

    [Fact]
    public void OnTrade_Tp1ThenTp2_FullTarget()
    {
        var (broker, _, p) = Open(TradeDirection.Long);

        broker.OnTrade("BTCUSDT", T(1000, 1020));
        broker.OnTrade("BTCUSDT", T(2000, 1040));

        Assert.Equal(PositionStatus.Tp, p.Status);
        Assert.Equal(1.5, p.PnlR);
    }

    [Fact]
    public void OnTrade_Short_StopAboveAndTargetsBelow()
    {
        var (broker, _, p) = Open(TradeDirection.Short);

        broker.OnTrade("BTCUSDT", T(1000, 979));
        broker.OnTrade("BTCUSDT", T(2000, 1001));

        Assert.Equal(PositionStatus.SlBe, p.Status);
        Assert.Equal(1000, p.ExitPrice);
    }

    [Fact]
    public void OnTrade_AfterTimeout_ClosesAtTradePrice_HalfRuleAfterTp1()
    {
        var (broker, _, p) = Open(TradeDirection.Long);

        broker.OnTrade("BTCUSDT", T(1000, 1021));                 // TP1
        broker.OnTrade("BTCUSDT", T(30 * 60_000, 1010));          // exactly at the limit: still open
        Assert.True(p.IsOpen);
        broker.OnTrade("BTCUSDT", T((30 * 60_000) + 1, 1010));

        Assert.Equal(PositionStatus.Timeout, p.Status);
        Assert.Equal(1010, p.ExitPrice);
        Assert.Equal((0.5 * 1) + (0.5 * 0.5), p.PnlR);
    }

    [Fact]
    public void CheckTimeouts_AtTick_UsesTickTimeAndLastPrice()
    {
        var (broker, _, p) = Open(TradeDirection.Long);

        broker.CheckTimeouts((30 * 60_000) + 1, _ => 990);

        Assert.Equal(PositionStatus.Timeout, p.Status);
        Assert.Equal((30 * 60_000) + 1, p.ExitTimeMs);
        Assert.Equal(-0.5, p.PnlR);
    }

    [Fact]
    public void Close_Fees_AreSubtractedInR_AndCreditTheBalanceOnce()
    {
        var events = new Recorder();
        var broker = Attached(new PaperBroker(new PaperSettings { FeeRate = 0.0005 }), events);
        broker.AccountFor(Strategy);
        var p = broker.Open(Strategy, Signal(), TradeDirection.Long, "standard", out _)!;

        Assert.True(broker.Close(p, PositionStatus.SignalFlip, 1010, 5000));
        Assert.False(broker.Close(p, PositionStatus.Sl, 980, 6000));

        var feeR = 2 * 0.0005 * 1000 / 20; // 0.05 R
        Assert.Equal(0.5 - feeR, p.PnlR!.Value, 12);
        Assert.Equal((0.5 - feeR) * 200, p.PnlUsdt!.Value, 9);
        Assert.Equal(10_000 + ((0.5 - feeR) * 200), broker.AccountFor(Strategy).CurrentBalance, 9);
        Assert.Equal(PositionStatus.SignalFlip, p.Status);
        Assert.Equal(0, broker.ActiveCount);
        Assert.Single(events.Events, e => e.StartsWith("close", StringComparison.Ordinal));
    }

    [Fact]
    public void UnrealisedR_AfterTp1_CountsHalfAtTp1()
    {
        var (broker, _, p) = Open(TradeDirection.Long);
        broker.OnTrade("BTCUSDT", T(1000, 1020));

        Assert.Equal((0.5 * 1) + (0.5 * 0.25), PnL.UnrealisedR(p, 1005));
    }
}
