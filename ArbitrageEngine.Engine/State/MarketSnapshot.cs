using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.State;

/// <summary>
/// One symbol's state at one evaluation tick (engine.md §2.1), shared by every strategy of that symbol.
/// Also carries what scoring needs in O(1): the CVD of every strategy window and aggregates of the
/// recent large trades.
/// </summary>
public sealed class MarketSnapshot
{
    public required string Symbol { get; init; }
    public long TimeMs { get; init; }
    public double CvdFast { get; init; }
    public double CvdMid { get; init; }
    public double CvdDay { get; init; }
    public double Vwap { get; init; }
    public double Price { get; init; }
    public double Atr { get; init; }
    public double AtrPct { get; init; }
    public double P95 { get; init; }
    public double P99 { get; init; }
    public double CvdFastSlope { get; init; }
    public double CvdFastAccel { get; init; }
    public double OiChange { get; init; }
    public int EnvironmentScore { get; init; }
    public bool Warm { get; init; }
    public double WhaleCvdRatio { get; init; }
    public bool HasWhaleEntries { get; init; }

    /// <summary>Latest feature values (null = missing) at the tick.</summary>
    public double? LongShortRatio { get; init; }
    public double? TopTraderPosition { get; init; }
    public double? CoinbasePremium { get; init; }
    public double? Obi { get; init; }
    public double? SpotPerpDivergence { get; init; }
    public double? TieredCvdWhale { get; init; }
    public double? FundingRate { get; init; }

    /// <summary>CVD of the last N minutes for each <see cref="CvdWindow"/>, indexed by the enum.</summary>
    public required double[] CvdByWindow { get; init; }

    /// <summary>Recent large trades (engine.md §2.3) at the tick, oldest first.</summary>
    public required IReadOnlyList<LargeTrade> LargeTrades { get; init; }

    /// <summary>Largest quantity among recent large taker buys / sells (0 when none).</summary>
    public double MaxLargeBuyQty { get; init; }
    public double MaxLargeSellQty { get; init; }
    public bool AnyLargeBuy { get; init; }
    public bool AnyLargeSell { get; init; }

    /// <summary>True when strategies get the empty result (engine.md §2.6).</summary>
    public bool IsScorable => Warm && Price != 0 && Atr != 0;

    public double Cvd(CvdWindow window) => CvdByWindow[(int)window];

    /// <summary>Texts scoring derives from this snapshot (gate reasons), formatted once per distinct threshold (not serialised).</summary>
    internal SnapshotTexts Texts => _texts ??= new SnapshotTexts();

    private SnapshotTexts? _texts;
}
