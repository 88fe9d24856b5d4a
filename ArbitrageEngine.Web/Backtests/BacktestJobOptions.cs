using System.ComponentModel.DataAnnotations;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>Saved backtest runs (section "Backtest", shared with the planner's MaxCombinations): worker concurrency, the per-user queue cap, progress persistence and the form's preview.</summary>
public sealed class BacktestJobOptions
{
    public const string SectionName = "Backtest";

    /// <summary>Runs executed at the same time (on the shared low-priority research threads).</summary>
    [Range(1, 16)]
    public int MaxConcurrent { get; set; } = 1;

    /// <summary>Queued (not yet started) runs one user may have; a further submission is refused and stores nothing.</summary>
    [Range(1, 100)]
    public int MaxQueuedPerUser { get; set; } = 2;

    /// <summary>How often a running run's progress is written to the database (it is pushed to pages live in between).</summary>
    [Range(1, 60)]
    public int ProgressPersistSeconds { get; set; } = 3;

    /// <summary>How often the worker looks for queued runs when nothing woke it.</summary>
    [Range(1, 300)]
    public int PollSeconds { get; set; } = 5;

    /// <summary>Default length of "Preview on the last N days" on the strategy form.</summary>
    [Range(1, 30)]
    public int PreviewDays { get; set; } = 3;
}
