namespace ArbitrageEngine.Engine.Persistence.Entities;

/// <summary>
/// The stored form of a strategy (engine.md §3). Defaults mirror the spec; validation lives in the engine's
/// StrategyValidator, not here.
/// </summary>
public sealed class StrategyRow
{
    public Guid StrategyId { get; set; } = Guid.NewGuid();

    public required string DisplayName { get; set; }

    public string Description { get; set; } = "";

    public string Symbol { get; set; } = "BTCUSDT";

    public string Direction { get; set; } = "both";

    public string Status { get; set; } = "running";

    public string CvdFastWindow { get; set; } = "30m";

    public string CvdSlowWindow { get; set; } = "4h";

    public int WeightDirection { get; set; } = 55;

    public int WeightEnv { get; set; } = 25;

    public int WeightAux { get; set; } = 15;

    public int WeightMomentum { get; set; } = 5;

    public int EntryScore { get; set; } = 75;

    public int FlipThreshold { get; set; } = 80;

    public bool GateVolEnabled { get; set; } = true;

    public double VolAtrPctMin { get; set; }

    public bool GateCvdEnabled { get; set; } = true;

    public bool GateWhaleEnabled { get; set; } = true;

    public double WhaleUsdThreshold { get; set; }

    public double WhaleFlowPct { get; set; } = 0.5;

    public bool GateObiEnabled { get; set; } = true;

    public double ObiThreshold { get; set; }

    public bool GateSpotPerpEnabled { get; set; }

    public double SpotPerpThreshold { get; set; }

    public double SlAtrMultiplier { get; set; } = 1.5;

    public double Tp1Ratio { get; set; } = 0.75;

    public double Tp2Ratio { get; set; } = 1.5;

    public int TimeoutMinutes { get; set; } = 240;

    public decimal InitialBalance { get; set; } = 10_000m;

    public decimal CurrentBalance { get; set; } = 10_000m;

    /// <summary>Optional scoring options as JSON (jsonb), "{}" when none.</summary>
    public string Options { get; set; } = "{}";

    public List<string> Tags { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset StatusChangedAt { get; set; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? DeprecatedAt { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    /// <summary>Optimistic concurrency token (PostgreSQL xmin).</summary>
    public uint Version { get; set; }
}
