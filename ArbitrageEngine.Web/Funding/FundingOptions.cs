using System.ComponentModel.DataAnnotations;

namespace ArbitrageEngine.Web.Funding;

/// <summary>The "Funding" configuration section: arbitrage signal, fee, hourly job, REST back-fill and snapshot retention.</summary>
public sealed class FundingOptions
{
    public const string SectionName = "Funding";

    /// <summary>The arbitrage signal fires when the 7-day annualised rate is at or above this (percent).</summary>
    [Range(0, 1000)]
    public double SignalThresholdPct { get; set; } = 10;

    /// <summary>One-off entry fee of the spot+perp position (fraction; 0.0006 = 0.06 %), used for the net figures.</summary>
    [Range(0, 0.1)]
    public double Fee { get; set; } = 0.0006;

    /// <summary>How often the job records settlements, back-fills and checks the signal.</summary>
    [Range(1, 1440)]
    public int CheckIntervalMinutes { get; set; } = 60;

    /// <summary>Stored snapshots (one a minute per symbol) older than this are deleted; settled rates are kept for ever.</summary>
    [Range(1, 3650)]
    public int SnapshotRetentionDays { get; set; } = 90;

    /// <summary>With the Binance source, back-fill the settled-rate history from REST.</summary>
    public bool Backfill { get; set; } = true;

    /// <summary>Pause between back-fill pages (each page costs REST weight).</summary>
    [Range(0, 60_000)]
    public int BackfillPageDelayMs { get; set; } = 500;
}
