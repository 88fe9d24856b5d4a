namespace ArbitrageEngine.Engine.Evolve;

/// <summary>The four regimes of evolve.md §3.</summary>
public enum MarketRegime
{
    Trend,
    HighVol,
    Crash,
    Range,
}

/// <summary>A symbol's regime figures over the last 24 h of evaluations of its running strategies.</summary>
public sealed record RegimeFigures(double AvgAtrPct, double AvgAbsSlope, double SignalRate, long Evaluations)
{
    /// <summary>evolve.md §3: crash ≥ 85 ATR percentile, high_vol ≥ 70, trend when slope ≥ 30 and signal rate ≥ 0.02, else range.</summary>
    public MarketRegime Regime => RegimeRules.Classify(AvgAtrPct, AvgAbsSlope, SignalRate);
}

public static class RegimeRules
{
    public const double CrashAtrPct = 85;
    public const double HighVolAtrPct = 70;
    public const double TrendSlope = 30;
    public const double TrendSignalRate = 0.02;

    public static MarketRegime Classify(double avgAtrPct, double avgAbsSlope, double signalRate) =>
        avgAtrPct >= CrashAtrPct ? MarketRegime.Crash
        : avgAtrPct >= HighVolAtrPct ? MarketRegime.HighVol
        : avgAbsSlope >= TrendSlope && signalRate >= TrendSignalRate ? MarketRegime.Trend
        : MarketRegime.Range;

    /// <summary>Wire name: trend, high_vol, crash, range.</summary>
    public static string Name(this MarketRegime regime) => regime switch
    {
        MarketRegime.HighVol => "high_vol",
        MarketRegime.Crash => "crash",
        MarketRegime.Range => "range",
        _ => "trend",
    };
}
