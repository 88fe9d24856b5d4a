namespace ArbitrageEngine.Engine.Strategies;

/// <summary>
/// One strategy instance (engine.md §3): the parameters the engine scores and trades with. Immutable; an
/// edit produces a new instance that the engine picks up at its next tick.
/// </summary>
public sealed record StrategyDefinition
{
    public Guid StrategyId { get; init; } = Guid.Empty;
    public string DisplayName { get; init; } = "";
    public string Description { get; init; } = "";
    public string Symbol { get; init; } = "BTCUSDT";
    public DirectionRestriction Direction { get; init; } = DirectionRestriction.Both;
    public StrategyStatus Status { get; init; } = StrategyStatus.Running;
    public CvdWindow CvdFastWindow { get; init; } = CvdWindow.M30;
    public CvdWindow CvdSlowWindow { get; init; } = CvdWindow.H4;
    public int WeightDirection { get; init; } = 55;
    public int WeightEnv { get; init; } = 25;
    public int WeightAux { get; init; } = 15;
    public int WeightMomentum { get; init; } = 5;
    public int EntryScore { get; init; } = 75;
    public int FlipThreshold { get; init; } = 80;
    public bool GateVolEnabled { get; init; } = true;
    public double VolAtrPctMin { get; init; } = 0.002;
    public bool GateCvdEnabled { get; init; } = true;
    public bool GateWhaleEnabled { get; init; } = true;
    public double WhaleUsdThreshold { get; init; } = 100_000;
    public double WhaleFlowPct { get; init; } = 0.5;
    public bool GateObiEnabled { get; init; } = true;
    public double ObiThreshold { get; init; } = 0.30;
    public bool GateSpotPerpEnabled { get; init; }
    public double SpotPerpThreshold { get; init; } = 0.003;
    public double SlAtrMultiplier { get; init; } = 1.5;
    public double Tp1Ratio { get; init; } = 0.75;
    public double Tp2Ratio { get; init; } = 1.5;
    public int TimeoutMinutes { get; init; } = 240;
    public double InitialBalance { get; init; } = 10_000;
    public double CurrentBalance { get; init; } = 10_000;
    public ScoringOptions Options { get; init; } = ScoringOptions.None;
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>A new strategy for <paramref name="symbol"/> with that symbol's recommended gate values.</summary>
    public static StrategyDefinition CreateDefault(string symbol, string displayName = "")
    {
        var gates = RecommendedGates.For(symbol);
        return new StrategyDefinition
        {
            StrategyId = Guid.Empty,
            DisplayName = displayName,
            Symbol = symbol,
            VolAtrPctMin = gates.VolAtrPctMin,
            WhaleUsdThreshold = gates.WhaleUsdThreshold,
            WhaleFlowPct = gates.WhaleFlowPct,
            ObiThreshold = gates.ObiThreshold,
            SpotPerpThreshold = gates.SpotPerpThreshold,
        };
    }

    public bool Uses30mAnd4h => CvdFastWindow == CvdWindow.M30 && CvdSlowWindow == CvdWindow.H4;
}
