using ArbitrageEngine.Engine.Decisions;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Decisions;

public class DeciderTests
{
    private const long Cooldown = 600_000;
    private static readonly StrategyDefinition Strategy = StrategyDefinition.CreateDefault("BTCUSDT", "d") with { StrategyId = Guid.NewGuid() };

    private static ScoreResult Result(double score, TradeDirection? direction, long time = 1_000_000, bool gatePassed = true) => new()
    {
        StrategyId = Strategy.StrategyId,
        Symbol = "BTCUSDT",
        TimeMs = time,
        Score = score,
        Direction = direction,
        GatePassed = gatePassed,
        Layers = new ScoreLayers(default, default, default, default),
        Price = 60_000,
        Atr = 100,
    };

    private static PaperPosition Active(TradeDirection direction) => new()
    {
        StrategyId = Strategy.StrategyId,
        Symbol = "BTCUSDT",
        Direction = direction,
        Tier = "standard",
        Entry = 60_000,
        Rd = 150,
    };

    [Fact]
    public void Decide_ScoreAtEntry_SignalsStandard_AtFlipHeavy()
    {
        var standard = Decider.Decide(Strategy, Result(75, TradeDirection.Long), null, null, Cooldown, true, 0, 100);
        var heavy = Decider.Decide(Strategy, Result(80, TradeDirection.Long), null, null, Cooldown, true, 0, 100);
        var below = Decider.Decide(Strategy, Result(74.9, TradeDirection.Long), null, null, Cooldown, true, 0, 100);

        Assert.Equal((TradeDirection.Long, "standard", true), (standard.Signal!.Value, standard.Tier, standard.Open));
        Assert.Equal("heavy", heavy.Tier);
        Assert.Null(below.Signal);
    }

    [Fact]
    public void Decide_WithinCooldown_NoSignal_AfterTenMinutesSignals()
    {
        var t0 = 1_000_000L;
        var inside = Decider.Decide(Strategy, Result(90, TradeDirection.Long, t0 + Cooldown - 1), null, t0, Cooldown, true, 0, 100);
        var after = Decider.Decide(Strategy, Result(90, TradeDirection.Long, t0 + Cooldown), null, t0, Cooldown, true, 0, 100);

        Assert.Null(inside.Signal);
        Assert.False(inside.Open);
        Assert.NotNull(after.Signal);
    }

    [Fact]
    public void Decide_FlipDuringCooldown_ClosesButDoesNotOpen()
    {
        var t0 = 1_000_000L;
        var d = Decider.Decide(Strategy, Result(85, TradeDirection.Short, t0 + 60_000), Active(TradeDirection.Long), t0, Cooldown, true, 1, 100);

        Assert.True(d.FlipClose);
        Assert.Null(d.Signal);
        Assert.False(d.Open);
    }

    [Fact]
    public void Decide_FlipOutsideCooldown_ClosesAndOpensOpposite()
    {
        var d = Decider.Decide(Strategy, Result(85, TradeDirection.Short), Active(TradeDirection.Long), null, Cooldown, true, 1, 1);

        Assert.True(d.FlipClose);
        Assert.True(d.Open); // the flipped position frees its own slot under the cap
    }

    [Fact]
    public void Decide_FlipBelowThresholdOrDisallowedDirection_KeepsPosition()
    {
        var weak = Decider.Decide(Strategy, Result(79.9, TradeDirection.Short), Active(TradeDirection.Long), null, Cooldown, true, 1, 100);
        var longOnly = Strategy with { Direction = DirectionRestriction.LongOnly };
        var disallowed = Decider.Decide(longOnly, Result(90, TradeDirection.Short), Active(TradeDirection.Long), null, Cooldown, true, 1, 100);

        Assert.False(weak.FlipClose);
        Assert.Equal("position_open", weak.OpenRejection);
        Assert.False(disallowed.FlipClose);
        Assert.Null(disallowed.Signal);
    }

    [Fact]
    public void Decide_SameDirectionWhileOpen_SignalsWithoutOpening()
    {
        var d = Decider.Decide(Strategy, Result(90, TradeDirection.Long), Active(TradeDirection.Long), null, Cooldown, true, 1, 100);

        Assert.NotNull(d.Signal);
        Assert.False(d.Open);
        Assert.Equal("position_open", d.OpenRejection);
    }

    [Fact]
    public void Decide_MaxPositionsReachedOrPaperOff_DoesNotOpen()
    {
        Assert.Equal("max_positions", Decider.Decide(Strategy, Result(90, TradeDirection.Long), null, null, Cooldown, true, 100, 100).OpenRejection);
        Assert.Equal("paper_disabled", Decider.Decide(Strategy, Result(90, TradeDirection.Long), null, null, Cooldown, false, 0, 100).OpenRejection);
    }

    [Fact]
    public void Decide_GatesFailed_NoSignal()
    {
        var d = Decider.Decide(Strategy, Result(90, TradeDirection.Long, gatePassed: false), null, null, Cooldown, true, 0, 100);

        Assert.Null(d.Signal);
    }
}
