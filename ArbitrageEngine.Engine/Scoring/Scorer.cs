using System.Globalization;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Scoring;

/// <summary>
/// Scores one strategy against its symbol's snapshot (engine.md §4): five veto gates, four raw layers,
/// weight scaling, regime tag. Pure and O(1) per strategy: every window CVD and large-trade aggregate comes
/// precomputed in the snapshot.
/// </summary>
public static class Scorer
{
    private const double DirectionRawMax = 55, CrowdingRawMax = 25, EnvironmentRawMax = 15, AuxRawMax = 5;

    // Gate texts are memoised per snapshot under these kinds (SnapshotTexts).
    private const int LowVol = 1, NoDirection = 2, ObiVeto = 3, SpdVeto = 4, WhaleCvdVeto = 5, WhaleAdverse = 6;

    public static ScoreResult Score(StrategyDefinition s, MarketSnapshot snap)
    {
        if (!string.Equals(s.Symbol, snap.Symbol, StringComparison.Ordinal) || !snap.IsScorable)
        {
            return ScoreResult.Empty(s.StrategyId, s.Symbol, snap.TimeMs);
        }

        var price = snap.Price;
        var atrPctPrice = snap.Atr / price;
        var cvdFast = s.Uses30mAnd4h ? snap.CvdFast : snap.Cvd(s.CvdFastWindow);
        var cvdSlow = s.Uses30mAnd4h ? snap.CvdMid : snap.Cvd(s.CvdSlowWindow);

        // Gate 1: volatility.
        string? block = null;
        if (s.GateVolEnabled && atrPctPrice < s.VolAtrPctMin)
        {
            block = snap.Texts.GetOrAdd(LowVol, atrPctPrice, s.VolAtrPctMin, static (a, b) => Invariant($"low_vol({a:0.######}<{b})"));
        }

        // Gate 2: CVD resonance decides the direction.
        TradeDirection direction;
        double resonance;
        var noDirection = false;
        if (cvdFast > 0 && cvdSlow > 0)
        {
            direction = TradeDirection.Long;
            resonance = 30;
        }
        else if (cvdFast < 0 && cvdSlow < 0)
        {
            direction = TradeDirection.Short;
            resonance = 30;
        }
        else
        {
            direction = cvdFast > 0 ? TradeDirection.Long : TradeDirection.Short;
            resonance = 0;
            if (s.GateCvdEnabled)
            {
                noDirection = true;
                block ??= snap.Texts.GetOrAdd(NoDirection, cvdFast, cvdSlow, static (a, b) => Invariant($"no_direction_consensus({a:0.###}/{b:0.###})"));
            }
        }

        var isLong = direction == TradeDirection.Long;
        var aligned = isLong ? snap.AnyLargeBuy : snap.AnyLargeSell;
        var adverse = isLong ? snap.AnyLargeSell : snap.AnyLargeBuy;

        // Gate 3: whale veto.
        if (s.GateWhaleEnabled && block is null && !noDirection)
        {
            block = WhaleVeto(s, snap, isLong);
        }

        // Gate 4: order-book imbalance veto.
        if (s.GateObiEnabled && block is null && !noDirection && snap.Obi is { } obi &&
            ((isLong && obi < -s.ObiThreshold) || (!isLong && obi > s.ObiThreshold)))
        {
            block = snap.Texts.GetOrAdd(ObiVeto, obi, s.ObiThreshold, static (a, b) => Invariant($"obi_veto({a:0.####} vs {b})"));
        }

        // Gate 5: spot-perp divergence veto.
        if (s.GateSpotPerpEnabled && block is null && !noDirection && snap.SpotPerpDivergence is { } d &&
            ((isLong && d < -s.SpotPerpThreshold) || (!isLong && d > s.SpotPerpThreshold)))
        {
            block = snap.Texts.GetOrAdd(SpdVeto, d, s.SpotPerpThreshold, static (a, b) => Invariant($"spd_veto({a:0.######} vs {b})"));
        }

        var gatePassed = block is null;

        // Raw layers.
        var p99Flow = aligned ? 20 : !adverse ? 10 : 0;
        var accelAligned = (isLong && snap.CvdFastAccel > 0) || (!isLong && snap.CvdFastAccel < 0);
        var directionRaw = Math.Min(resonance + p99Flow + (accelAligned ? 5 : 0), DirectionRawMax);
        var accelOption = s.Options.AccelIndependent;
        if (accelOption.Enabled && !noDirection && accelAligned && aligned)
        {
            directionRaw = Math.Max(directionRaw, accelOption.MinDirectionScore);
        }

        var crowdingRaw = Math.Min(LongShortPoints(snap.LongShortRatio, isLong) + TopTraderPoints(snap.TopTraderPosition, isLong), CrowdingRawMax);
        var environmentRaw = EnvironmentPoints(s.Options.ObiScoring, snap, isLong);
        var auxRaw = CoinbasePoints(snap.CoinbasePremium, isLong);

        // Weighting.
        double wDir = s.WeightDirection, wEnv = s.WeightEnv, wAux = s.WeightAux, wMom = s.WeightMomentum;
        var w = wDir + wEnv + wAux + wMom;
        if (w <= 0)
        {
            (wDir, wEnv, wAux, wMom, w) = (55, 25, 15, 5, 100);
        }

        var k = 100 / w;
        var dirEff = (wDir + wMom) * k;
        var envMax = wEnv * k;
        var auxMax = wAux * k;
        var dirMax = dirEff * 55 / 80;
        var crowdMax = dirEff * 25 / 80;

        var layers = new ScoreLayers(
            new LayerScore(Scale(directionRaw, DirectionRawMax, dirMax), dirMax, directionRaw),
            new LayerScore(Scale(crowdingRaw, CrowdingRawMax, crowdMax), crowdMax, crowdingRaw),
            new LayerScore(Scale(environmentRaw, EnvironmentRawMax, envMax), envMax, environmentRaw),
            new LayerScore(Scale(auxRaw, AuxRawMax, auxMax), auxMax, auxRaw));
        var total = Math.Min(layers.Direction.Score + layers.Crowding.Score + layers.Environment.Score + layers.Auxiliary.Score, 100);
        var score = gatePassed ? Math.Max(0, PythonRound.OneDecimal(total)) : 0;

        return new ScoreResult
        {
            StrategyId = s.StrategyId,
            Symbol = s.Symbol,
            TimeMs = snap.TimeMs,
            Score = score,
            ScoreUnrounded = gatePassed ? total : 0,
            Direction = gatePassed ? direction : null,
            GatePassed = gatePassed,
            GateBlock = block,
            Regime = Regime(atrPctPrice, cvdFast, cvdSlow, snap.CvdFastAccel),
            CvdFast = cvdFast,
            CvdSlow = cvdSlow,
            CvdDay = snap.CvdDay,
            CvdFastSlope = snap.CvdFastSlope,
            CvdFastAccel = snap.CvdFastAccel,
            Atr = snap.Atr,
            AtrPct = snap.AtrPct,
            AtrPctPrice = atrPctPrice,
            Vwap = snap.Vwap,
            Price = price,
            P95 = snap.P95,
            P99 = snap.P99,
            Obi = snap.Obi,
            SpotPerpDiv = snap.SpotPerpDivergence,
            WhaleCvdRatio = snap.WhaleCvdRatio,
            Layers = layers,
        };
    }

    private static double Scale(double raw, double rawMax, double max) => Math.Min(Math.Max(raw, 0) / rawMax * max, max);

    private static string? WhaleVeto(StrategyDefinition s, MarketSnapshot snap, bool isLong)
    {
        if (snap.Symbol == "BTCUSDT")
        {
            var ratio = snap.HasWhaleEntries ? snap.WhaleCvdRatio : snap.TieredCvdWhale ?? 0;
            return (isLong && ratio < -s.WhaleFlowPct) || (!isLong && ratio > s.WhaleFlowPct)
                ? snap.Texts.GetOrAdd(WhaleCvdVeto, ratio, s.WhaleFlowPct, static (a, b) => Invariant($"whale_cvd_veto({a:0.###} vs {b})"))
                : null;
        }

        // Largest adverse/aligned quantity decides "any trade at or above the USD threshold" exactly (x·price is monotonic).
        var price = snap.Price;
        var adverseQty = isLong ? snap.MaxLargeSellQty : snap.MaxLargeBuyQty;
        var alignedQty = isLong ? snap.MaxLargeBuyQty : snap.MaxLargeSellQty;
        var anyAdverse = (isLong ? snap.AnyLargeSell : snap.AnyLargeBuy) && adverseQty * price >= s.WhaleUsdThreshold;
        var anyAligned = (isLong ? snap.AnyLargeBuy : snap.AnyLargeSell) && alignedQty * price >= s.WhaleUsdThreshold;
        return anyAdverse && !anyAligned
            ? snap.Texts.GetOrAdd(WhaleAdverse, adverseQty * price, 0, static (a, _) => Invariant($"whale_adverse({a:0} USD)"))
            : null;
    }

    private static double LongShortPoints(double? lsr, bool isLong)
    {
        if (lsr is not { } r)
        {
            return 7;
        }

        return isLong
            ? r < 0.5 ? 15 : r < 0.7 ? 10 : r < 1.0 ? 7 : 0
            : r > 2.0 ? 15 : r > 1.5 ? 10 : r > 1.0 ? 7 : 0;
    }

    private static double TopTraderPoints(double? top, bool isLong)
    {
        if (top is not { } t)
        {
            return 5;
        }

        return isLong
            ? t >= 0.55 ? 10 : t <= 0.45 ? 0 : 5
            : t <= 0.45 ? 10 : t >= 0.55 ? 0 : 5;
    }

    private static double EnvironmentPoints(ObiScoringOption option, MarketSnapshot snap, bool isLong)
    {
        if (!option.Enabled)
        {
            return snap.EnvironmentScore;
        }

        var bonus = 0.0;
        if (snap.Obi is { } obi && (isLong ? obi > 0 : obi < 0))
        {
            var magnitude = Math.Abs(obi);
            bonus = magnitude >= option.StrongThreshold ? option.StrongScore
                : magnitude >= option.WeakThreshold ? option.WeakScore
                : 0;
        }

        return Math.Min(Math.Round(snap.EnvironmentScore / 15.0 * 10, MidpointRounding.ToEven) + bonus, EnvironmentRawMax);
    }

    private static double CoinbasePoints(double? premium, bool isLong)
    {
        if (premium is not { } cp)
        {
            return 2;
        }

        if ((isLong && cp > 0.0005) || (!isLong && cp < -0.0005))
        {
            return 5;
        }

        return Math.Abs(cp) <= 0.0005 ? 2 : 0;
    }

    private static string Regime(double atrPctPrice, double cvdFast, double cvdSlow, double accel)
    {
        if (atrPctPrice >= 0.012)
        {
            return "crash";
        }

        if (atrPctPrice >= 0.008)
        {
            return "high_vol";
        }

        var sameSign = (cvdFast > 0 && cvdSlow > 0) || (cvdFast < 0 && cvdSlow < 0);
        return sameSign && Math.Abs(accel) > 10 ? "trend" : "range";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
