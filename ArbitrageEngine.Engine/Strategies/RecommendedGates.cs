namespace ArbitrageEngine.Engine.Strategies;

/// <summary>Per-symbol recommended gate thresholds (engine.md §3), used as defaults when a strategy is created.</summary>
public sealed record RecommendedGates(
    double VolAtrPctMin,
    double WhaleUsdThreshold,
    double WhaleFlowPct,
    double ObiThreshold,
    double SpotPerpThreshold)
{
    public static RecommendedGates Other { get; } = new(0.002, 50_000, 0.5, 0.35, 0.005);

    private static readonly Dictionary<string, RecommendedGates> BySymbol = new(StringComparer.Ordinal)
    {
        ["BTCUSDT"] = new(0.002, 100_000, 0.5, 0.30, 0.003),
        ["ETHUSDT"] = new(0.003, 50_000, 0.5, 0.35, 0.005),
        ["SOLUSDT"] = new(0.004, 20_000, 0.5, 0.45, 0.008),
        ["XRPUSDT"] = new(0.0025, 30_000, 0.5, 0.40, 0.006),
    };

    public static RecommendedGates For(string symbol) => BySymbol.GetValueOrDefault(symbol, Other);
}
