using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Paper;

/// <summary>Lifecycle of a paper position; the last five are final.</summary>
public enum PositionStatus
{
    Active,
    Tp1Hit,
    Tp,
    Sl,
    SlBe,
    Timeout,
    SignalFlip,
}

public static class PositionStatusNames
{
    public static string Name(this PositionStatus status) => status switch
    {
        PositionStatus.Active => "active",
        PositionStatus.Tp1Hit => "tp1_hit",
        PositionStatus.Tp => "tp",
        PositionStatus.Sl => "sl",
        PositionStatus.SlBe => "sl_be",
        PositionStatus.Timeout => "timeout",
        PositionStatus.SignalFlip => "signal_flip",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? text, out PositionStatus status)
    {
        foreach (var s in Enum.GetValues<PositionStatus>())
        {
            if (s.Name() == text)
            {
                status = s;
                return true;
            }
        }

        status = PositionStatus.Active;
        return false;
    }

    public static bool IsOpen(this PositionStatus status) => status is PositionStatus.Active or PositionStatus.Tp1Hit;
}

/// <summary>
/// One paper position (engine.md §6). Mutated only by <see cref="PaperBroker"/> on the engine loop; once
/// closed it never changes again.
/// </summary>
public sealed class PaperPosition
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

    /// <summary>The full score result that opened the position.</summary>
    public ScoreResult? Factors { get; init; }

    /// <summary>The strategy's name and parameters at the time of opening.</summary>
    public StrategyDefinition? StrategySnapshot { get; init; }

    /// <summary>Current stop: <see cref="Sl"/>, or the break-even price after TP1.</summary>
    public double Stop { get; internal set; }
    public bool Tp1Hit { get; internal set; }
    public long? Tp1TimeMs { get; internal set; }

    /// <summary>agg_id of the trade that hit TP1 (null before, or for rows stored before it was recorded).</summary>
    public long? Tp1AggId { get; internal set; }
    public PositionStatus Status { get; internal set; } = PositionStatus.Active;
    public double? ExitPrice { get; internal set; }
    public long? ExitTimeMs { get; internal set; }
    public double? GrossR { get; internal set; }
    public double? FeeR { get; internal set; }
    public double? PnlR { get; internal set; }
    public double? PnlUsdt { get; internal set; }

    public bool IsLong => Direction == TradeDirection.Long;

    public bool IsOpen => Status.IsOpen();

    public long TimeoutMs => TimeoutMinutes * 60_000L;

    /// <summary>True when a trade must not act on this position: it was applied before the position existed or before its TP1.</summary>
    internal bool AlreadyProcessed(in Market.AggTrade trade) =>
        trade.TimeMs <= EntryTimeMs || (Tp1Hit && (Tp1AggId is { } id ? trade.AggId <= id : trade.TimeMs <= Tp1TimeMs));

    public PositionSnapshot ToSnapshot() => new()
    {
        PositionId = PositionId, StrategyId = StrategyId, Symbol = Symbol, Direction = Direction, Score = Score, Tier = Tier,
        Entry = Entry, EntryTimeMs = EntryTimeMs, Sl = Sl, Tp1 = Tp1, Tp2 = Tp2, Atr = Atr, Rd = Rd, RiskUsd = RiskUsd,
        Tp1Ratio = Tp1Ratio, Tp2Ratio = Tp2Ratio, TimeoutMinutes = TimeoutMinutes, FeeRate = FeeRate, Factors = Factors,
        StrategySnapshot = StrategySnapshot, Stop = Stop, Tp1Hit = Tp1Hit, Tp1TimeMs = Tp1TimeMs, Tp1AggId = Tp1AggId,
        Status = Status, ExitPrice = ExitPrice, ExitTimeMs = ExitTimeMs, GrossR = GrossR, FeeR = FeeR, PnlR = PnlR, PnlUsdt = PnlUsdt,
    };

    /// <summary>Restores a position loaded from storage (restart recovery).</summary>
    public static PaperPosition Restore(PaperPosition opened, bool tp1Hit, long? tp1TimeMs, double stop, long? tp1AggId = null)
    {
        opened.Tp1Hit = tp1Hit;
        opened.Tp1TimeMs = tp1TimeMs;
        opened.Tp1AggId = tp1AggId;
        opened.Stop = stop;
        opened.Status = tp1Hit ? PositionStatus.Tp1Hit : PositionStatus.Active;
        return opened;
    }
}
