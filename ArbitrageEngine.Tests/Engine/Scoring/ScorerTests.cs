using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Scoring;

public class ScorerTests
{
    private static readonly Guid Id = Guid.Parse("11111111-2222-3333-4444-555555555555");

    private static MarketSnapshot Snap(
        string symbol = "BTCUSDT",
        double cvdFast = 100,
        double cvdMid = 200,
        double price = 60_000,
        double atr = 300,
        double accel = 0,
        bool warm = true,
        double? lsr = null,
        double? top = null,
        double? cp = null,
        double? obi = null,
        double? spd = null,
        double? tiered = null,
        int environment = 10,
        LargeTrade[]? large = null,
        double whaleRatio = 0,
        bool hasWhales = false)
    {
        large ??= [];
        var windows = new double[5];
        Array.Fill(windows, cvdFast);
        windows[(int)CvdWindow.H4] = cvdMid;
        return new MarketSnapshot
        {
            Symbol = symbol,
            TimeMs = 1_000_000,
            CvdFast = cvdFast,
            CvdMid = cvdMid,
            Price = price,
            Atr = atr,
            CvdFastAccel = accel,
            Warm = warm,
            LongShortRatio = lsr,
            TopTraderPosition = top,
            CoinbasePremium = cp,
            Obi = obi,
            SpotPerpDivergence = spd,
            TieredCvdWhale = tiered,
            EnvironmentScore = environment,
            CvdByWindow = windows,
            LargeTrades = large,
            AnyLargeBuy = large.Any(l => !l.IsBuyerMaker),
            AnyLargeSell = large.Any(l => l.IsBuyerMaker),
            MaxLargeBuyQty = large.Where(l => !l.IsBuyerMaker).Select(l => l.Qty).DefaultIfEmpty(0).Max(),
            MaxLargeSellQty = large.Where(l => l.IsBuyerMaker).Select(l => l.Qty).DefaultIfEmpty(0).Max(),
            WhaleCvdRatio = whaleRatio,
            HasWhaleEntries = hasWhales,
        };
    }

    private static StrategyDefinition Strategy(string symbol = "BTCUSDT") =>
        StrategyDefinition.CreateDefault(symbol, "t") with { StrategyId = Id };

    [Fact]
    public void Score_NotWarm_IsEmptyResult()
    {
        var r = Scorer.Score(Strategy(), Snap(warm: false));

        Assert.True(r.IsEmpty);
        Assert.Equal(0, r.Score);
        Assert.Null(r.Direction);
        Assert.Null(r.GatePassed);
    }

    [Fact]
    public void Score_ZeroAtr_IsEmptyResult() => Assert.True(Scorer.Score(Strategy(), Snap(atr: 0)).IsEmpty);

    [Fact]
    public void Score_OtherSymbol_IsEmptyResult() => Assert.True(Scorer.Score(Strategy("ETHUSDT"), Snap()).IsEmpty);

    [Fact]
    public void Score_AllNeutralLong_HandComputedLayers()
    {
        // resonance 30 + p99 flow 10 (no large trades) = 40; crowding 7 + 5 = 12; environment 10; aux 2.
        var r = Scorer.Score(Strategy(), Snap());

        Assert.True(r.GatePassed);
        Assert.Equal(TradeDirection.Long, r.Direction);
        Assert.Equal(40, r.Layers!.Direction.Raw);
        Assert.Equal(40.0 / 55 * 41.25, r.Layers.Direction.Score, 12);
        Assert.Equal(12.0 / 25 * 18.75, r.Layers.Crowding.Score, 12);
        Assert.Equal(10.0 / 15 * 25, r.Layers.Environment.Score, 12);
        Assert.Equal(2.0 / 5 * 15, r.Layers.Auxiliary.Score, 12);
        var total = (40.0 / 55 * 41.25) + (12.0 / 25 * 18.75) + (10.0 / 15 * 25) + (2.0 / 5 * 15);
        Assert.Equal(total, r.ScoreUnrounded, 12);
        Assert.Equal(Math.Round(total, 1), r.Score);
    }

    [Fact]
    public void Score_LowVolatility_BlocksFirstAndZeroesScore()
    {
        var r = Scorer.Score(Strategy(), Snap(atr: 60, cvdFast: 5, cvdMid: -5)); // 0.001 < 0.002, and no consensus

        Assert.False(r.GatePassed);
        Assert.Equal("low_vol", r.GateBlockCode);
        Assert.Equal(0, r.Score);
        Assert.Equal(0, r.ScoreUnrounded);
        Assert.Null(r.Direction);
        Assert.NotNull(r.Layers);
    }

    [Fact]
    public void Score_SameThresholdOnOneSnapshot_SharesOneGateText_OtherThresholdGetsItsOwn()
    {
        var snap = Snap(atr: 60, cvdFast: 5, cvdMid: -5);
        var first = Scorer.Score(Strategy(), snap);
        var second = Scorer.Score(Strategy() with { StrategyId = Guid.NewGuid() }, snap);
        var stricter = Scorer.Score(Strategy() with { VolAtrPctMin = 0.0035 }, snap);
        var otherSnapshot = Scorer.Score(Strategy(), Snap(atr: 30, cvdFast: 5, cvdMid: -5));

        Assert.Equal("low_vol(0.001<0.002)", first.GateBlock);
        Assert.Same(first.GateBlock, second.GateBlock);
        Assert.Equal("low_vol(0.001<0.0035)", stricter.GateBlock);
        Assert.Equal("low_vol(0.0005<0.002)", otherSnapshot.GateBlock);
    }

    [Fact]
    public void Score_NoConsensusOnSignedZero_TextMatchesFormatting()
    {
        // The memo keys on bit patterns: -0 and 0 print differently and must not share a text.
        var negative = Scorer.Score(Strategy(), Snap(cvdFast: -0.0, cvdMid: 50));
        var positive = Scorer.Score(Strategy(), Snap(cvdFast: 0.0, cvdMid: 50));

        Assert.Equal(FormattableString.Invariant($"no_direction_consensus({-0.0:0.###}/50)"), negative.GateBlock);
        Assert.Equal("no_direction_consensus(0/50)", positive.GateBlock);
    }

    [Fact]
    public void Score_NoConsensus_GateEnabledBlocks_GateDisabledKeepsFastDirection()
    {
        var blocked = Scorer.Score(Strategy(), Snap(cvdFast: -5, cvdMid: 50));
        var open = Scorer.Score(Strategy() with { GateCvdEnabled = false }, Snap(cvdFast: -5, cvdMid: 50));

        Assert.Equal("no_direction_consensus", blocked.GateBlockCode);
        Assert.True(open.GatePassed);
        Assert.Equal(TradeDirection.Short, open.Direction);
        Assert.Equal(10, open.Layers!.Direction.Raw); // resonance 0 + flow 10
    }

    [Fact]
    public void Score_BtcWhaleRatioAgainstLong_Vetoes_FallsBackToTieredFeature()
    {
        var listed = Scorer.Score(Strategy(), Snap(whaleRatio: -0.6, hasWhales: true));
        var tiered = Scorer.Score(Strategy(), Snap(tiered: -0.7));
        var mild = Scorer.Score(Strategy(), Snap(tiered: -0.4));

        Assert.Equal("whale_cvd_veto", listed.GateBlockCode);
        Assert.Equal("whale_cvd_veto", tiered.GateBlockCode);
        Assert.True(mild.GatePassed);
    }

    [Fact]
    public void Score_OtherSymbolAdverseLargeTradeAboveUsd_Vetoes_AlignedOneCancels()
    {
        var eth = Strategy("ETHUSDT"); // whale_usd_threshold 50,000
        var adverse = new LargeTrade(1, 0, 20, true);  // 20 × 3000 = 60k sell
        var aligned = new LargeTrade(2, 0, 20, false);
        var small = new LargeTrade(3, 0, 10, true);    // 30k: below threshold

        Assert.Equal("whale_adverse", Scorer.Score(eth, Snap("ETHUSDT", price: 3000, atr: 30, large: [adverse])).GateBlockCode);
        Assert.True(Scorer.Score(eth, Snap("ETHUSDT", price: 3000, atr: 30, large: [adverse, aligned])).GatePassed);
        Assert.True(Scorer.Score(eth, Snap("ETHUSDT", price: 3000, atr: 30, large: [small])).GatePassed);
    }

    [Fact]
    public void Score_ObiAndSpotPerpVetoes_OnlyAgainstDirection()
    {
        Assert.Equal("obi_veto", Scorer.Score(Strategy(), Snap(obi: -0.31)).GateBlockCode);
        Assert.True(Scorer.Score(Strategy(), Snap(obi: -0.30)).GatePassed);
        var spd = Strategy() with { GateSpotPerpEnabled = true };
        Assert.Equal("spd_veto", Scorer.Score(spd, Snap(spd: -0.004)).GateBlockCode);
        Assert.True(Scorer.Score(spd, Snap(spd: 0.01)).GatePassed);
        Assert.True(Scorer.Score(Strategy(), Snap(spd: -0.5)).GatePassed); // gate off by default
    }

    [Fact]
    public void Score_AlignedLargeTradeAndAccel_GiveFullDirection()
    {
        var r = Scorer.Score(Strategy(), Snap(accel: 3, large: [new LargeTrade(1, 0, 20, false)]));

        Assert.Equal(55, r.Layers!.Direction.Raw); // 30 + 20 + 5
    }

    [Fact]
    public void Score_AccelIndependentOption_LiftsDirectionWithoutResonance()
    {
        var s = Strategy() with
        {
            GateCvdEnabled = false,
            Options = new ScoringOptions { AccelIndependent = new AccelIndependentOption(true, 35) },
        };
        var r = Scorer.Score(s, Snap(cvdFast: 10, cvdMid: -10, accel: 2, large: [new LargeTrade(1, 0, 20, false)]));

        Assert.Equal(35, r.Layers!.Direction.Raw); // 0 + 20 + 5 = 25 -> 35
    }

    [Theory]
    [InlineData(15, 0.35, 15)] // round(10) + 5 = 15
    [InlineData(10, 0.20, 10)] // round(6.67)=7 + 3
    [InlineData(5, -0.50, 3)]  // round(3.33)=3 + 0 (not aligned)
    [InlineData(10, null, 7)]
    public void Score_ObiScoringOption_BlendsEnvironment(int environment, double? obi, double expectedRaw)
    {
        var s = Strategy() with { GateObiEnabled = false, Options = new ScoringOptions { ObiScoring = new ObiScoringOption(true) } };

        var r = Scorer.Score(s, Snap(environment: environment, obi: obi));

        Assert.Equal(expectedRaw, r.Layers!.Environment.Raw);
    }

    [Theory]
    [InlineData(0.45, 0.56, true, 15 + 10)]
    [InlineData(0.65, 0.50, true, 10 + 5)]
    [InlineData(0.95, 0.45, true, 7 + 0)]
    [InlineData(2.5, 0.40, false, 15 + 10)]
    [InlineData(1.6, 0.60, false, 10 + 0)]
    [InlineData(1.0, 0.50, false, 0 + 5)]
    public void Score_Crowding_LongShortAndTopTraderPoints(double lsr, double top, bool isLong, double expected)
    {
        var r = Scorer.Score(Strategy(), Snap(cvdFast: isLong ? 10 : -10, cvdMid: isLong ? 10 : -10, lsr: lsr, top: top));

        Assert.Equal(expected, r.Layers!.Crowding.Raw);
    }

    [Fact]
    public void Score_HeavyDirectionWeights_ScaleMaxima()
    {
        var s = Strategy() with { WeightDirection = 80, WeightEnv = 5, WeightAux = 0, WeightMomentum = 15 };

        var r = Scorer.Score(s, Snap());

        Assert.Equal(95 * 55 / 80.0, r.Layers!.Direction.Max, 12);
        Assert.Equal(95 * 25 / 80.0, r.Layers.Crowding.Max, 12);
        Assert.Equal(5, r.Layers.Environment.Max, 12);
        Assert.Equal(0, r.Layers.Auxiliary.Score);
    }

    [Theory]
    [InlineData(0.013, "crash")]
    [InlineData(0.009, "high_vol")]
    public void Score_Regime_FromAtrShareOfPrice(double atrShare, string regime) =>
        Assert.Equal(regime, Scorer.Score(Strategy() with { GateVolEnabled = false }, Snap(atr: 60_000 * atrShare)).Regime);

    [Fact]
    public void Score_Regime_TrendNeedsSameSignAndAcceleration()
    {
        Assert.Equal("trend", Scorer.Score(Strategy(), Snap(accel: 11)).Regime);
        Assert.Equal("range", Scorer.Score(Strategy(), Snap(accel: 10)).Regime);
    }

    [Theory]
    [InlineData(75.25, 75.2)]
    [InlineData(75.35, 75.3)] // 75.35 is stored just below the midpoint
    [InlineData(85.66666666666666, 85.7)]
    [InlineData(0.05, 0.1)]   // 0.05 is stored just above the midpoint
    [InlineData(64.58333333333333, 64.6)]
    [InlineData(100, 100)]
    public void OneDecimal_MatchesPythonRound(double value, double expected) =>
        Assert.Equal(expected, PythonRound.OneDecimal(value));
}
