using System.Text.Json;
using ArbitrageEngine.Engine.Backtest;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>A submitted spec checked by the planner: per-field errors, or the run's header (what the list shows).</summary>
public sealed record BacktestPlanCheck(
    IReadOnlyDictionary<string, string[]> Errors,
    string Dataset,
    long FromMs,
    long ToMs,
    IReadOnlyList<string> Symbols,
    int StrategyCount)
{
    public bool IsValid => Errors.Count == 0;

    public static BacktestPlanCheck Invalid(IReadOnlyDictionary<string, string[]> errors) => new(errors, "", 0, 0, [], 0);
}

/// <summary>What a run produced: the backtest result (for walk-forward: the stitched out-of-sample run), windows and summary.</summary>
public sealed record BacktestOutcome(BacktestResult Result, IReadOnlyList<StoredWalkForwardWindow>? Windows = null, JsonElement? Summary = null);

/// <summary>
/// The bridge from a stored spec to the engine: validates a spec (the planner, same rules as the CLI) and runs it
/// (the backtest runner, or walk-forward for that kind). The worker and the API only see this.
/// </summary>
public interface IBacktestJobs
{
    Task<BacktestPlanCheck> CheckAsync(string kind, JsonElement spec, CancellationToken cancellationToken);

    Task<BacktestOutcome> RunAsync(string kind, JsonElement spec, IProgress<BacktestProgress> progress, CancellationToken cancellationToken);
}
