namespace ArbitrageEngine.Engine.Paper;

/// <summary>All P&amp;L arithmetic in R and USDT (engine.md §6.3), used by the broker, the UI and backtests.</summary>
public static class PnL
{
    /// <summary>Signed move from entry to <paramref name="price"/> in R (positive = in the position's favour).</summary>
    public static double MoveR(PaperPosition p, double price) => (p.IsLong ? price - p.Entry : p.Entry - price) / p.Rd;

    /// <summary>Round-trip taker fees in R: 2 × fee_rate × entry / rd.</summary>
    public static double FeeR(double entry, double rd, double feeRate) => 2 * feeRate * entry / rd;

    /// <summary>Gross R of closing <paramref name="p"/> with <paramref name="status"/> at <paramref name="exitPrice"/>.</summary>
    public static double GrossR(PaperPosition p, PositionStatus status, double exitPrice) => status switch
    {
        PositionStatus.Sl => -1,
        PositionStatus.Tp => (0.5 * p.Tp1Ratio) + (0.5 * p.Tp2Ratio),
        PositionStatus.SlBe => (0.5 * p.Tp1Ratio) + (0.5 * MoveR(p, exitPrice)),
        PositionStatus.Timeout or PositionStatus.SignalFlip => HalfRule(p, exitPrice),
        _ => throw new ArgumentOutOfRangeException(nameof(status), "not a closing status"),
    };

    /// <summary>Unrealised R at <paramref name="price"/> before fees, with the half-position rule after TP1.</summary>
    public static double UnrealisedR(PaperPosition p, double price) => HalfRule(p, price);

    /// <summary>Unrealised R net of the round-trip fees.</summary>
    public static double UnrealisedNetR(PaperPosition p, double price) => HalfRule(p, price) - FeeR(p.Entry, p.Rd, p.FeeRate);

    /// <summary>Unrealised R net of the round-trip fees for a position snapshot (what pages show for open positions).</summary>
    public static double UnrealisedNetR(PositionSnapshot p, double price) =>
        HalfRule(p.IsLong, p.Entry, p.Rd, p.Tp1Hit, p.Tp1Ratio, price) - FeeR(p.Entry, p.Rd, p.FeeRate);

    public static double Usdt(double pnlR, double riskUsd) => pnlR * riskUsd;

    private static double HalfRule(PaperPosition p, double price) => HalfRule(p.IsLong, p.Entry, p.Rd, p.Tp1Hit, p.Tp1Ratio, price);

    /// <summary>After TP1 half is banked at tp1_ratio and only the other half moves with the price (engine.md §6.3).</summary>
    private static double HalfRule(bool isLong, double entry, double rd, bool tp1Hit, double tp1Ratio, double price)
    {
        var move = (isLong ? price - entry : entry - price) / rd;
        return tp1Hit ? (0.5 * tp1Ratio) + (0.5 * move) : move;
    }
}
