using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Scoring;

/// <summary>One layer's contribution: weighted score, its maximum and the raw points.</summary>
public readonly record struct LayerScore(double Score, double Max, double Raw);

/// <summary>The four layers of engine.md §4.3.</summary>
public sealed record ScoreLayers(LayerScore Direction, LayerScore Crowding, LayerScore Environment, LayerScore Auxiliary);

/// <summary>
/// Everything computed for one strategy at one tick (engine.md §4.6); persisted per tick so the UI can
/// explain any decision. <see cref="Signal"/> and <see cref="Tier"/> are filled by the decision step.
/// </summary>
public sealed class ScoreResult
{
    public Guid StrategyId { get; init; }
    public required string Symbol { get; init; }
    public long TimeMs { get; init; }
    public double Score { get; init; }
    public double ScoreUnrounded { get; init; }
    public TradeDirection? Direction { get; init; }
    public TradeDirection? Signal { get; internal set; }
    public string? Tier { get; internal set; }

    /// <summary>Null for the empty result (not warm, no price or no ATR).</summary>
    public bool? GatePassed { get; init; }

    /// <summary>First failing gate, e.g. <c>low_vol(0.0011&lt;0.002)</c>; the code is the part before '('.</summary>
    public string? GateBlock { get; init; }
    public string? Regime { get; init; }
    public double CvdFast { get; init; }
    public double CvdSlow { get; init; }
    public double CvdDay { get; init; }
    public double CvdFastSlope { get; init; }
    public double CvdFastAccel { get; init; }
    public double Atr { get; init; }
    public double AtrPct { get; init; }
    public double AtrPctPrice { get; init; }
    public double Vwap { get; init; }
    public double Price { get; init; }
    public double P95 { get; init; }
    public double P99 { get; init; }
    public double? Obi { get; init; }
    public double? SpotPerpDiv { get; init; }
    public double WhaleCvdRatio { get; init; }
    public ScoreLayers? Layers { get; init; }

    public bool IsEmpty => Layers is null;

    /// <summary>The gate code without its human-readable suffix.</summary>
    public string? GateBlockCode => GateBlock is null ? null : GateBlock.Split('(')[0];

    public static ScoreResult Empty(Guid strategyId, string symbol, long timeMs) => new()
    {
        StrategyId = strategyId,
        Symbol = symbol,
        TimeMs = timeMs,
    };
}
