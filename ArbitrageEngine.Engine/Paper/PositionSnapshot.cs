using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Paper;

/// <summary>
/// An immutable copy of a <see cref="PaperPosition"/> at one moment: what events, pages, the API and persistence
/// see. The broker keeps mutating its own position; readers never share that object.
/// </summary>
public sealed record PositionSnapshot
{
    public long PositionId { get; init; }
    public Guid StrategyId { get; init; }
    public required string Symbol { get; init; }
    public TradeDirection Direction { get; init; }
    public double Score { get; init; }
    public required string Tier { get; init; }
    public double Entry { get; init; }
    public long EntryTimeMs { get; init; }
    public double Sl { get; init; }
    public double Tp1 { get; init; }
    public double Tp2 { get; init; }
    public double Atr { get; init; }
    public double Rd { get; init; }
    public double RiskUsd { get; init; }
    public double Tp1Ratio { get; init; }
    public double Tp2Ratio { get; init; }
    public int TimeoutMinutes { get; init; }
    public double FeeRate { get; init; }
    public ScoreResult? Factors { get; init; }
    public StrategyDefinition? StrategySnapshot { get; init; }
    public double Stop { get; init; }
    public bool Tp1Hit { get; init; }
    public long? Tp1TimeMs { get; init; }

    /// <summary>agg_id of the trade that hit TP1: after a restart only later trades may act on the position.</summary>
    public long? Tp1AggId { get; init; }
    public PositionStatus Status { get; init; }
    public double? ExitPrice { get; init; }
    public long? ExitTimeMs { get; init; }
    public double? GrossR { get; init; }
    public double? FeeR { get; init; }
    public double? PnlR { get; init; }
    public double? PnlUsdt { get; init; }

    public bool IsLong => Direction == TradeDirection.Long;

    public bool IsOpen => Status.IsOpen();

    /// <summary>Unrealised R net of fees at <paramref name="price"/> (the arithmetic lives in <see cref="PnL"/>).</summary>
    public double UnrealisedNetR(double price) => PnL.UnrealisedNetR(this, price);
}
