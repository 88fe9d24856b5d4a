using System.ComponentModel.DataAnnotations;
using ArbitrageEngine.Engine.Evolve;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>Dry-run computes everything and stores only the report; apply creates and retires (admin only).</summary>
public enum EvolveMode
{
    DryRun,
    Apply,
}

/// <summary>The "Evolve" configuration section: schedule and the settings of evolve.md §1.</summary>
public sealed class EvolveOptions
{
    public const string SectionName = "Evolve";

    /// <summary>Off switch of the daily schedule (manual runs stay possible).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Beijing time of the daily run ("00:05").</summary>
    public TimeOnly ScheduleTime { get; set; } = new(0, 5);

    /// <summary>Mode of the scheduled run (dry-run unless configured otherwise).</summary>
    public EvolveMode ScheduledMode { get; set; } = EvolveMode.DryRun;

    /// <summary>How often the scheduler checks whether the date's run is due.</summary>
    [Range(1, 3600)]
    public int PollSeconds { get; set; } = 30;

    /// <summary>Dates before today without a scheduled run are recorded as missed, this many days back at most.</summary>
    [Range(0, 60)]
    public int MissedLookbackDays { get; set; } = 7;

    /// <summary>Dataset the candidates are backtested on; empty = the configured market source's.</summary>
    public string? Dataset { get; set; }

    [Range(1, 90)]
    public int LookbackDays { get; set; } = 7;

    [Range(0, 1000)]
    public int MinClosedTrades { get; set; } = 12;

    [Range(1, 50)]
    public int MaxAutoPerSymbol { get; set; } = 3;

    [Range(0, 24 * 30)]
    public double MinAgeHours { get; set; } = 24;

    /// <summary>Train days of the proof backtest (fractions allowed for short datasets, e.g. tests).</summary>
    [Range(0.001, 60)]
    public double TrainDays { get; set; } = 5;

    [Range(0.001, 60)]
    public double TestDays { get; set; } = 2;

    [Range(0, 48)]
    public double WarmupHours { get; set; } = 24;

    [Range(1, 1000)]
    public int TopByTrain { get; set; } = 10;

    public EvolveSettings ToSettings() => new()
    {
        LookbackDays = LookbackDays,
        MinClosedTrades = MinClosedTrades,
        MaxAutoPerSymbol = MaxAutoPerSymbol,
        MinAgeBeforeRetire = TimeSpan.FromHours(MinAgeHours),
        TrainDays = TrainDays,
        TestDays = TestDays,
        WarmupHours = WarmupHours,
        TopByTrain = TopByTrain,
    };
}

public static class EvolveModes
{
    public static string Name(this EvolveMode mode) => mode == EvolveMode.Apply ? "apply" : "dry_run";

    public static bool TryParse(string? text, out EvolveMode mode)
    {
        mode = text is "apply" ? EvolveMode.Apply : EvolveMode.DryRun;
        return text is "apply" or "dry_run" or "dry-run";
    }
}
