using System.ComponentModel.DataAnnotations;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Market.Simulated;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>Which market data source feeds the engine.</summary>
public enum MarketSourceKind
{
    Simulated,
    Binance,
    None,
}

/// <summary>The "Market" configuration section: source, symbols, evaluation cadence and the simulated market.</summary>
public sealed class MarketOptions
{
    public const string SectionName = "Market";

    public MarketSourceKind Source { get; set; } = MarketSourceKind.Simulated;

    // Declared first: static fields initialise in order. EngineSettings holds every engine default once.
    private static readonly EngineSettings EngineDefaults = new();

    /// <summary>The engine's default symbols.</summary>
    public static readonly string[] DefaultSymbols = [.. EngineDefaults.Symbols];

    /// <summary>
    /// Upper-case Binance USDⓈ-M symbols; empty = <see cref="DefaultSymbols"/>. (No initialiser: the configuration
    /// binder appends to a pre-filled collection instead of replacing it.)
    /// </summary>
    public string[] Symbols { get; set; } = [];

    /// <summary>Evaluation cadence (engine.md §2.1).</summary>
    [Range(1, 3600)]
    public int EvalIntervalSeconds { get; set; } = (int)(EngineDefaults.EvalIntervalMs / 1000);

    /// <summary>Live ticks wait this long after the boundary for trades stamped at or before it to arrive.</summary>
    [Range(0, 5000)]
    public int TickGraceMs { get; set; } = 300;

    [Range(0, 48)]
    public double WarmupHours { get; set; } = EngineDefaults.WarmupMs / 3_600_000.0;

    /// <summary>Evaluation results (signal_evaluations) are kept this many days.</summary>
    [Range(1, 3650)]
    public int EvaluationRetentionDays { get; set; } = 30;

    /// <summary>Market time runs this many times faster than wall time (1 = real time; tests and demos only).</summary>
    [Range(1, 1000)]
    public double TimeScale { get; set; } = 1;

    /// <summary>
    /// Wall time from which a scaled market clock runs faster (unset = when the app starts). Processes that share it
    /// share one continuous market time, e.g. across a restart.
    /// </summary>
    public DateTimeOffset? TimeScaleOrigin { get; set; }

    /// <summary>Seed the 72-strategy factory grid when no strategy is stored yet (first start).</summary>
    public bool SeedFactoryStrategies { get; set; } = true;

    public SimulatedSection Simulated { get; set; } = new();

    public sealed class SimulatedSection
    {
        public ulong Seed { get; set; } = 20261126;

        [Range(0.01, 100)]
        public double RateMultiplier { get; set; } = 1;

        [Range(0, 24)]
        public double BackfillHours { get; set; } = 24;

        public SimulatedMarketOptions ToOptions() => new() { Seed = Seed, RateMultiplier = RateMultiplier, BackfillHours = BackfillHours };
    }
}

/// <summary>The "Paper" configuration section (engine.md §5–6).</summary>
public sealed class PaperOptions
{
    public const string SectionName = "Paper";

    private static readonly PaperSettings Defaults = new();

    public bool Enabled { get; set; } = Defaults.Enabled;

    [Range(0.0001, 0.2)]
    public double RiskPerTrade { get; set; } = Defaults.RiskPerTrade;

    [Range(0, 0.01)]
    public double FeeRate { get; set; } = Defaults.FeeRate;

    [Range(1, 10_000)]
    public int MaxPositions { get; set; } = Defaults.MaxPositions;

    [Range(0, 5)]
    public double BeBufferAtr { get; set; } = Defaults.BeBufferAtr;
}
