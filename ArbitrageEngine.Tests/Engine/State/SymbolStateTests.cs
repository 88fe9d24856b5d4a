using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;
using static ArbitrageEngine.Tests.Engine.TestData;

namespace ArbitrageEngine.Tests.Engine.State;

public class SymbolStateTests
{
    private static SymbolState NewState(string symbol = "BTCUSDT", EngineSettings? settings = null) =>
        new(symbol, settings ?? Settings(symbol));

    [Fact]
    public void Snapshot_TradeExactlyAtWindowEdge_IsKept()
    {
        var s = NewState();
        s.Apply(Buy(1, 0, 100, 1));
        s.Apply(Buy(2, 30 * Minute, 100, 2));

        var snap = s.Snapshot(30 * Minute, 0);

        Assert.Equal(3, snap.CvdFast, 12);
    }

    [Fact]
    public void Snapshot_TradeOneMillisecondOutsideWindow_IsEvicted()
    {
        var s = NewState();
        s.Apply(Buy(1, 0, 100, 1));
        s.Apply(Sell(2, 30 * Minute, 100, 2));

        var snap = s.Snapshot((30 * Minute) + 1, 0);

        Assert.Equal(-2, snap.CvdFast, 12);
        Assert.Equal(-1, snap.CvdMid, 12);
        Assert.Equal(-1, snap.CvdDay, 12);
    }

    [Fact]
    public void Snapshot_Vwap_IsQuantityWeightedOverThirtyMinutes()
    {
        var s = NewState();
        s.Apply(Buy(1, 0, 50, 10));           // leaves the vwap window below
        s.Apply(Buy(2, 40 * Minute, 100, 1));
        s.Apply(Sell(3, 41 * Minute, 200, 3));

        var snap = s.Snapshot(42 * Minute, 0);

        Assert.Equal(175, snap.Vwap, 10);
        Assert.Equal(200, snap.Price);
    }

    [Fact]
    public void Snapshot_NoTrades_PriceAndVwapAreZeroAndStrategiesGetNothing()
    {
        var snap = NewState().Snapshot(1_000_000, 0);

        Assert.Equal(0, snap.Price);
        Assert.Equal(0, snap.Vwap);
        Assert.False(snap.IsScorable);
    }

    [Fact]
    public void Atr_FewerThanTwoCompletedCandles_IsZeroAndPercentileFifty()
    {
        var s = NewState();
        s.Apply(Buy(1, 0, 100, 1));
        s.Apply(Buy(2, 5 * Minute, 110, 1)); // completes candle 1 only

        var snap = s.Snapshot(6 * Minute, 0);

        Assert.Equal(0, snap.Atr);
        Assert.Equal(50, snap.AtrPct);
    }

    [Fact]
    public void Atr_ThreeCompletedCandles_IsWilderSmoothedTrueRange()
    {
        var s = NewState();
        long id = 1;
        // candle 0: close 105
        foreach (var p in new[] { 100.0, 110, 95, 105 })
        {
            s.Apply(Buy(id++, Minute, p, 1));
        }

        // candle 1: H 112 L 104 C 106 -> TR = max(8, |112-105|, |104-105|) = 8
        foreach (var p in new[] { 108.0, 112, 104, 106 })
        {
            s.Apply(Buy(id++, 6 * Minute, p, 1));
        }

        // candle 2: H 101 L 100 C 101 -> TR = max(1, |101-106|, |100-106|) = 6
        foreach (var p in new[] { 100.0, 101 })
        {
            s.Apply(Buy(id++, 11 * Minute, p, 1));
        }

        s.Apply(Buy(id, 16 * Minute, 101, 1)); // opens candle 3, completing candle 2

        var snap = s.Snapshot(16 * Minute, 0);

        Assert.Equal(((8.0 * 13) + 6) / 14, snap.Atr, 12);
    }

    [Fact]
    public void AtrPercentile_FewerThanTenSamples_IsFifty_ThenCountsAtOrBelow()
    {
        var s = NewState();
        long id = 1;
        s.Apply(Buy(id++, 0, 100, 1));
        s.Apply(Buy(id++, 5 * Minute, 102, 1));
        s.Apply(Buy(id++, 10 * Minute, 101, 1));
        s.Apply(Buy(id++, 15 * Minute, 101, 1)); // two completed candles with a TR

        var pct = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            pct.Add(s.Snapshot((15 * Minute) + (i * 15_000), 0).AtrPct);
        }

        Assert.All(pct.Take(9), p => Assert.Equal(50, p));
        Assert.Equal(100, pct[9]); // ten equal ATRs: every one is ≤ the current
    }

    [Fact]
    public void Percentiles_FewerThanHundredTrades_AreFiveAndTen()
    {
        var s = NewState("ETHUSDT");
        for (var i = 1; i <= 99; i++)
        {
            s.Apply(Buy(i, i, 100, 1000));
        }

        var snap = s.Snapshot(1000, 0);

        Assert.Equal(5, snap.P95);
        Assert.Equal(10, snap.P99);
    }

    [Fact]
    public void Percentiles_HundredTrades_TakeFlooredRanksThenSymbolFloors()
    {
        var btc = NewState("BTCUSDT");
        var eth = NewState("ETHUSDT");
        for (var i = 1; i <= 100; i++)
        {
            btc.Apply(Buy(i, i, 100, i));        // q[95] = 96, q[99] = 100
            eth.Apply(Buy(i, i, 100, i * 0.5));  // q[95] = 48 -> floor 50, q[99] = 50 -> floor 100
        }

        var b = btc.Snapshot(1000, 0);
        var e = eth.Snapshot(1000, 0);

        Assert.Equal((96.0, 100.0), (b.P95, b.P99));
        Assert.Equal((50.0, 100.0), (e.P95, e.P99));
    }

    [Fact]
    public void Percentiles_RollingWindowWithEvictions_MatchFullSort()
    {
        var settings = Settings("BTCUSDT") with { DayWindowMs = 200_000, MidWindowMs = 100_000, FastWindowMs = 50_000, VwapWindowMs = 50_000 };
        var s = new SymbolState("BTCUSDT", settings);
        var rng = new Random(7);
        var live = new List<(long Time, double Qty)>();
        long t = 0;
        for (var i = 1; i <= 20_000; i++)
        {
            t += rng.Next(0, 40);
            var qty = Math.Round(Math.Exp(rng.NextDouble() * 8) / 100, 3) + 0.001;
            s.Apply(Buy(i, t, 100, qty));
            live.Add((t, qty));
            if (i % 997 == 0)
            {
                var snap = s.Snapshot(t, 0);
                var window = live.Where(x => x.Time >= t - settings.DayWindowMs).Select(x => x.Qty).OrderBy(q => q).ToArray();
                Assert.Equal(Math.Max(window[(int)Math.Floor(window.Length * 0.95)], 5), snap.P95);
                Assert.Equal(Math.Max(window[(int)Math.Floor(window.Length * 0.99)], 10), snap.P99);
            }
        }
    }

    [Fact]
    public void RunningSums_AfterManyEvictionsAndRecomputes_EqualExactSums()
    {
        var settings = Settings("BTCUSDT") with { DayWindowMs = 60_000, MidWindowMs = 30_000, FastWindowMs = 10_000, VwapWindowMs = 10_000, ExactRecomputeEvictions = 1_000 };
        var s = new SymbolState("BTCUSDT", settings);
        var rng = new Random(3);
        var all = new List<AggTrade>();
        for (var i = 1; i <= 300_000; i++)
        {
            var trade = new AggTrade(i, i * 3L, 100 + rng.NextDouble(), Math.Round(rng.NextDouble() * 5, 3) + 0.001, rng.Next(2) == 0);
            all.Add(trade);
            s.Apply(trade);
        }

        var now = all[^1].TimeMs;
        var snap = s.Snapshot(now, 0);
        double Cvd(long w) => all.Where(x => x.TimeMs >= now - w).Sum(x => x.IsBuyerMaker ? -x.Qty : x.Qty);
        var vwapTrades = all.Where(x => x.TimeMs >= now - 10_000).ToList();

        Assert.Equal(Cvd(10_000), snap.CvdFast, 9);
        Assert.Equal(Cvd(30_000), snap.CvdMid, 9);
        Assert.Equal(Cvd(60_000), snap.CvdDay, 9);
        Assert.Equal(vwapTrades.Sum(x => x.Price * x.Qty) / vwapTrades.Sum(x => x.Qty), snap.Vwap, 9);
    }

    [Theory]
    [InlineData(double.NaN, 1)]
    [InlineData(double.PositiveInfinity, 1)]
    [InlineData(-5, 1)]
    [InlineData(0, 1)]
    [InlineData(100, double.NaN)]
    [InlineData(100, -1)]
    [InlineData(100, 0)]
    [InlineData(100, double.PositiveInfinity)]
    public void Apply_InvalidPriceOrQuantity_IsRejectedAndChangesNothing(double price, double qty)
    {
        var s = NewState();
        s.Apply(Buy(1, 1000, 100, 1));

        var outcome = s.Apply(new AggTrade(2, 2000, price, qty, false));

        Assert.Equal(TradeAcceptance.Invalid, outcome);
        Assert.Equal(1, s.InvalidTrades);
        Assert.Equal(100, s.LastPrice);
        Assert.Equal(1, s.LastAggId);
        Assert.Equal(1, s.WindowTradeCount);
    }

    [Fact]
    public void Apply_DuplicateAndRegressingAggIds_AreIgnoredAndCounted()
    {
        var s = NewState();
        s.Apply(Buy(10, 1000, 100, 1));

        Assert.Equal(TradeAcceptance.Duplicate, s.Apply(Buy(10, 1000, 100, 1)));
        Assert.Equal(TradeAcceptance.Regression, s.Apply(Buy(9, 1001, 101, 1)));
        Assert.Equal(1, s.DuplicateTrades);
        Assert.Equal(1, s.RegressedTrades);
        Assert.Equal(1, s.WindowTradeCount);
        Assert.Equal(1, s.Snapshot(2000, 0).CvdFast, 12);
    }

    [Fact]
    public void SetFeature_OutOfRangeOrOlder_IsRejected_NullClears()
    {
        var s = NewState();
        Assert.True(s.SetFeature(FeatureKey.ObiDepth10, 0.2, 100));
        Assert.False(s.SetFeature(FeatureKey.ObiDepth10, 1.5, 200));
        Assert.False(s.SetFeature(FeatureKey.ObiDepth10, 0.9, 50));
        Assert.Equal(0.2, s.Features[FeatureKey.ObiDepth10]);
        Assert.True(s.SetFeature(FeatureKey.ObiDepth10, null, 300));
        Assert.Null(s.Features[FeatureKey.ObiDepth10]);
    }

    [Fact]
    public void Snapshot_SlopeZeroFirst_AccelZeroFirstTwo()
    {
        var s = NewState();
        s.Apply(Buy(1, 0, 100, 1));
        var first = s.Snapshot(1000, 0);
        s.Apply(Buy(2, 2000, 100, 2));
        var second = s.Snapshot(3000, 0);
        s.Apply(Sell(3, 4000, 100, 4));
        var third = s.Snapshot(5000, 0);

        Assert.Equal((0.0, 0.0), (first.CvdFastSlope, first.CvdFastAccel));
        Assert.Equal((2.0, 0.0), (second.CvdFastSlope, second.CvdFastAccel));
        Assert.Equal((-4.0, -6.0), (third.CvdFastSlope, third.CvdFastAccel));
    }

    [Fact]
    public void Snapshot_OpenInterest_ChangeAndEnvironmentScore()
    {
        var s = NewState();
        s.Apply(Buy(1, 0, 100, 1));
        var none = s.Snapshot(1000, 0);
        s.SetFeature(FeatureKey.OpenInterestHist, 1000, 1000);
        var firstReading = s.Snapshot(2000, 0);
        s.SetFeature(FeatureKey.OpenInterestHist, 1040, 2000);
        var up4 = s.Snapshot(3000, 0);
        s.SetFeature(FeatureKey.OpenInterestHist, 1050, 3000);
        var up1 = s.Snapshot(4000, 0);
        s.SetFeature(FeatureKey.OpenInterestHist, 1000, 4000);
        var down = s.Snapshot(5000, 0);

        Assert.Equal((0.0, 10), (none.OiChange, none.EnvironmentScore));
        Assert.Equal((0.0, 10), (firstReading.OiChange, firstReading.EnvironmentScore));
        Assert.Equal(15, up4.EnvironmentScore);
        Assert.Equal(0.04, up4.OiChange, 12);
        Assert.Equal(10, up1.EnvironmentScore);
        Assert.Equal(5, down.EnvironmentScore);
    }

    [Fact]
    public void LargeTrades_AddedOnceByAggId_AndAgeOutAfterFifteenMinutes()
    {
        var s = NewState();
        for (var i = 1; i <= 100; i++)
        {
            s.Apply(Buy(i, i, 100, 1));
        }

        s.Apply(Sell(101, 1000, 100, 50)); // ≥ p99 floor of 10
        var first = s.Snapshot(2000, 0);
        var second = s.Snapshot(3000, 0);
        var aged = s.Snapshot(1000 + (15 * Minute) + 1, 0);

        Assert.Single(first.LargeTrades);
        Assert.Equal(101, first.LargeTrades[0].AggId);
        Assert.True(first.AnyLargeSell);
        Assert.False(first.AnyLargeBuy);
        Assert.Single(second.LargeTrades);
        Assert.Empty(aged.LargeTrades);
    }

    [Fact]
    public void WhaleRatio_IsNetUsdShareOverFifteenMinutes()
    {
        var s = NewState();
        s.Apply(Buy(1, 0, 50_000, 3));   // 150k buy
        s.Apply(Sell(2, 1000, 50_000, 1)); // 50k sell — below 100k: not a whale
        s.Apply(Sell(3, 2000, 50_000, 2)); // 100k sell

        var snap = s.Snapshot(3000, 0);
        var later = s.Snapshot(2000 + (15 * Minute) + 1, 0);

        Assert.Equal((150_000 - 100_000) / 250_000.0, snap.WhaleCvdRatio, 12);
        Assert.Equal(0, later.WhaleCvdRatio);
        Assert.False(later.HasWhaleEntries);
    }

    [Fact]
    public void CvdOver_StrategyWindows_CountOnlyTradesInside()
    {
        var s = NewState();
        s.Apply(Buy(1, 0, 100, 8));                 // only in 4h
        s.Apply(Sell(2, 3 * 60 * Minute, 100, 4));  // in 1h and 4h
        s.Apply(Buy(3, (4 * 60 * Minute) - (10 * Minute), 100, 2)); // in 15m

        var snap = s.Snapshot(4 * 60 * Minute, 0);

        Assert.Equal(0, snap.Cvd(CvdWindow.M5));
        Assert.Equal(2, snap.Cvd(CvdWindow.M15));
        Assert.Equal(-2, snap.Cvd(CvdWindow.H1));
        Assert.Equal(6, snap.Cvd(CvdWindow.H4));
    }

    [Fact]
    public void IsWarm_AfterWarmupOrHistoryLoaded()
    {
        var s = NewState();
        s.Apply(Buy(1, 1000, 100, 1));

        Assert.False(s.IsWarm(1000 + 3_599_999, 3_600_000));
        Assert.True(s.IsWarm(1000 + 3_600_000, 3_600_000));
        var other = NewState();
        other.MarkHistoryLoaded();
        Assert.True(other.IsWarm(0, 3_600_000));
    }

    [Fact]
    public void LargeTrades_RandomFlowWithRisingAndFallingP99_MatchSpecificationScanAtEverySnapshot()
    {
        // 4 h day window and no floors, sizes whose scale swings over hours: p99 rises and falls, so both the
        // incremental path and the full rescan (a left-out trade qualifying later) are exercised.
        var settings = Settings("BTCUSDT") with
        {
            DayWindowMs = 4 * 60 * Minute,
            DefaultFloor = new PercentileFloor(0, 0),
            Floors = new Dictionary<string, PercentileFloor>(),
        };
        var s = new SymbolState("BTCUSDT", settings);
        var rng = new Random(11);
        var trades = new List<AggTrade>();
        var expected = new List<LargeTrade>();
        long t = 0, nextTick = 15_000, snapshots = 0;
        for (var i = 1; i <= 40_000; i++)
        {
            t += rng.Next(0, 3_000);
            while (nextTick < t)
            {
                var snap = s.Snapshot(nextTick, 0);
                var cutoff = nextTick - settings.LargeTradeWindowMs;
                expected.RemoveAll(x => x.TimeMs < cutoff);
                foreach (var candidate in trades.Where(x => x.TimeMs > cutoff && x.Qty >= snap.P99 && expected.All(e => e.AggId != x.AggId)))
                {
                    expected.Add(new LargeTrade(candidate.AggId, candidate.TimeMs, candidate.Qty, candidate.IsBuyerMaker));
                }

                expected.Sort((a, b) => a.AggId.CompareTo(b.AggId));
                Assert.Equal(expected, snap.LargeTrades);
                snapshots++;
                nextTick += 15_000;
            }

            var scale = 1 + (0.9 * Math.Sin(t / (90.0 * Minute)));
            var qty = Math.Round(scale * Math.Exp(rng.NextDouble() * 6), 3) + 0.001;
            var trade = new AggTrade(i, t, 100, qty, rng.Next(2) == 0);
            s.Apply(trade);
            trades.Add(trade);
            if (trades.Count > 2_000)
            {
                trades.RemoveRange(0, 1_000); // older than 30 min: never candidates again
            }
        }

        Assert.InRange(s.LargeTradeFullScans, 1, snapshots / 2);
    }

    [Fact]
    public void Snapshot_StrategyWindowsAcrossTicksAndBackInTime_MatchBinarySearch()
    {
        var s = NewState();
        var rng = new Random(5);
        var trades = new List<AggTrade>();
        long t = 0;
        for (var i = 1; i <= 30_000; i++)
        {
            t += rng.Next(0, 2_000);
            var trade = new AggTrade(i, t, 100, Math.Round(rng.NextDouble() * 3, 3) + 0.001, rng.Next(2) == 0);
            s.Apply(trade);
            trades.Add(trade);
            if (i % 1_500 == 0)
            {
                var now = t + rng.Next(0, 1_000);
                var snap = s.Snapshot(now, 0);
                foreach (var window in StrategyNames.AllWindows)
                {
                    var w = window.Milliseconds();
                    Assert.Equal(trades.Where(x => x.TimeMs >= now - w).Sum(x => x.IsBuyerMaker ? -x.Qty : x.Qty), snap.Cvd(window), 6);
                }
            }
        }

        // A snapshot earlier than the previous one (only tests do this) still reads the windows at its own time.
        var earlier = s.Snapshot(t - (20 * Minute), 0);
        foreach (var window in StrategyNames.AllWindows)
        {
            Assert.Equal(s.CvdOver(window.Milliseconds(), t - (20 * Minute)), earlier.Cvd(window));
        }
    }

    [Fact]
    public void Percentiles_ManyDistinctAndRepeatedQuantities_MatchFullSort()
    {
        // XRP-like sizes (hundreds to hundreds of thousands, 3 decimals: nearly all distinct) mixed with lot-sized
        // repeats, in a rolling window: the percentile bucket holds thousands of values and changes every snapshot.
        var settings = Settings("XRPUSDT") with { DayWindowMs = 400_000, MidWindowMs = 100_000, FastWindowMs = 50_000, VwapWindowMs = 50_000 };
        var s = new SymbolState("XRPUSDT", settings);
        var rng = new Random(9);
        var live = new List<(long Time, double Qty)>();
        long t = 0;
        for (var i = 1; i <= 60_000; i++)
        {
            t += rng.Next(0, 20);
            var qty = rng.Next(4) == 0 ? 500 * rng.Next(1, 4) : Math.Round(500 / Math.Pow(Math.Max(rng.NextDouble(), 1e-9), 0.8), 3);
            s.Apply(Buy(i, t, 0.6, qty));
            live.Add((t, qty));
            if (i % 1_777 == 0)
            {
                var snap = s.Snapshot(t, 0);
                var window = live.Where(x => x.Time >= t - settings.DayWindowMs).Select(x => x.Qty).OrderBy(q => q).ToArray();
                Assert.Equal(Math.Max(window[(int)Math.Floor(window.Length * 0.95)], 50), snap.P95);
                Assert.Equal(Math.Max(window[(int)Math.Floor(window.Length * 0.99)], 100), snap.P99);
            }
        }
    }
}
