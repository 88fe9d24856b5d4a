namespace ArbitrageEngine.Engine.Configuration;

/// <summary>Every default of engine.md §2, §5 in one place; the host binds it from configuration.</summary>
public sealed record EngineSettings
{
    public IReadOnlyList<string> Symbols { get; init; } = ["BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT"];
    public long EvalIntervalMs { get; init; } = 15_000;
    public long WarmupMs { get; init; } = 4 * 3_600_000L;
    public long FastWindowMs { get; init; } = 1_800_000;
    public long MidWindowMs { get; init; } = 14_400_000;
    public long DayWindowMs { get; init; } = 86_400_000;
    public long VwapWindowMs { get; init; } = 1_800_000;
    public int AtrLength { get; init; } = 14;
    public long AtrPeriodMs { get; init; } = 300_000;
    public int AtrHistoryLength { get; init; } = 288;
    public double WhaleMinUsd { get; init; } = 100_000;
    public long WhaleWindowMs { get; init; } = 900_000;
    public long LargeTradeWindowMs { get; init; } = 900_000;
    public int MinTradesForPercentiles { get; init; } = 100;
    public double FallbackP95 { get; init; } = 5;
    public double FallbackP99 { get; init; } = 10;
    public PercentileFloor DefaultFloor { get; init; } = new(50, 100);
    public IReadOnlyDictionary<string, PercentileFloor> Floors { get; init; } =
        new Dictionary<string, PercentileFloor>(StringComparer.Ordinal) { ["BTCUSDT"] = new(5, 10) };
    public long CooldownMs { get; init; } = 600_000;

    /// <summary>Running sums are recomputed exactly from the window at least this often (evictions).</summary>
    public int ExactRecomputeEvictions { get; init; } = 100_000;

    public PercentileFloor FloorFor(string symbol) => Floors.GetValueOrDefault(symbol, DefaultFloor);
}

/// <summary>Minimum P95/P99 trade size for a symbol.</summary>
public sealed record PercentileFloor(double P95, double P99);

/// <summary>Paper-trading settings (engine.md §5–6).</summary>
public sealed record PaperSettings
{
    public bool Enabled { get; init; } = true;
    public double RiskPerTrade { get; init; } = 0.02;
    public double FeeRate { get; init; } = 0.0005;
    public int MaxPositions { get; init; } = 100;
    public double BeBufferAtr { get; init; }
    public TierMultipliers TierMultiplier { get; init; } = new();
}

public sealed record TierMultipliers(double Light = 0.5, double Standard = 1.0, double Heavy = 1.5);
