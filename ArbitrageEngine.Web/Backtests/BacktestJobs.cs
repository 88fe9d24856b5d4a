using System.Text.Json;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Persistence.Engine;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>
/// The product's <see cref="IBacktestJobs"/>: specs are planned by <see cref="BacktestSpecResolver"/> (the CLI's
/// planner) and run by the engine's <see cref="BacktestRunner"/> over the stored dataset — parity mode reads the live
/// loop's journal of it — or, for walk-forward, by <see cref="WalkForwardRunner"/> over the same runner.
/// </summary>
public sealed class BacktestJobs(
    BacktestSpecResolver resolver, MarketDatabase market, IOptions<MarketOptions> marketOptions, ResearchThreads threads, ILoggerFactory loggers) : IBacktestJobs
{
    public async Task<BacktestPlanCheck> CheckAsync(string kind, JsonElement spec, CancellationToken cancellationToken)
    {
        var resolved = await resolver.ResolveAsync(spec, cancellationToken);
        if (resolved.Request is not { } r)
        {
            return BacktestPlanCheck.Invalid(resolved.Errors);
        }

        if (kind == BacktestRunKinds.WalkForward && WalkForward.Windows(r.FromMs, r.ToMs, resolved.WalkForward).Count == 0)
        {
            var w = resolved.WalkForward;
            return BacktestPlanCheck.Invalid(new Dictionary<string, string[]>
            {
                ["to"] = [FormattableString.Invariant($"The range holds no window of {w.TrainMs / 86_400_000.0} train + {w.TestMs / 86_400_000.0} test days.")],
            });
        }

        return new BacktestPlanCheck(resolved.Errors, r.Dataset.Name, r.FromMs, r.ToMs, r.Symbols, r.Strategies.Count);
    }

    public async Task<BacktestOutcome> RunAsync(string kind, JsonElement spec, IProgress<BacktestProgress> progress, CancellationToken cancellationToken)
    {
        var resolved = await resolver.ResolveAsync(spec, cancellationToken);
        if (resolved.Request is not { } request)
        {
            // The data changed since submission (a strategy or dataset deleted): the run fails with the reasons.
            throw new InvalidOperationException(string.Join("; ", resolved.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        }

        var dataSource = await market.DataSourceAsync(cancellationToken);
        var parity = request.ReplayRecordedCommands
            ? new ParitySources(new EngineJournal(dataSource, request.Dataset.Id), new AggTradeStore(dataSource, request.Dataset.Id), new FeatureHistoryStore(dataSource, request.Dataset.Id))
            : null;
        var engine = MarketPipelineService.EngineSettingsFrom(marketOptions.Value);
        if (engine.Symbols.Count == 0)
        {
            engine = engine with { Symbols = MarketOptions.DefaultSymbols };
        }

        var runner = new BacktestRunner(engine, StoredMarketEvents.For(dataSource, request.Dataset), parity, logger: loggers.CreateLogger<BacktestRunner>(), lanes: threads);
        if (kind != BacktestRunKinds.WalkForward)
        {
            return new BacktestOutcome(await runner.RunAsync(request, progress, cancellationToken));
        }

        var wf = await new WalkForwardRunner(runner).RunAsync(request, resolved.GridLabels, resolved.WalkForward, progress, cancellationToken);
        return new BacktestOutcome(wf.Backtest, Windows(wf.Report), Summary(wf.Report));
    }

    /// <summary>The per-window rows as stored.</summary>
    public static IReadOnlyList<StoredWalkForwardWindow> Windows(WalkForwardReport report) =>
        [.. report.Windows.Select(w => new StoredWalkForwardWindow(
            w.Window.Index, w.Window.TrainFromMs, w.Window.TrainToMs, w.Window.TestFromMs, w.Window.TestToMs,
            JsonSerializer.SerializeToElement(new { strategy_id = w.ChosenId, label = w.ChosenLabel }),
            w.InSampleFitness, w.OutOfSampleFitness, w.InSampleNetR, w.NetR, 0, w.WinRate, w.InSampleTrades, w.Trades))];

    /// <summary>The overall figures: OOS/IS ratio, R per day on both sides, the stitched out-of-sample equity.</summary>
    public static JsonElement Summary(WalkForwardReport report) => JsonSerializer.SerializeToElement(new
    {
        oos_is_ratio = report.OutOfSampleToInSampleRatio,
        oos_net_r = report.OutOfSampleNetR,
        is_r_per_day = report.InSampleRPerDay,
        oos_r_per_day = report.OutOfSampleRPerDay,
        oos_equity = report.OutOfSampleEquity.Select(p => new[] { p.TimeMs, p.CumulativeR, p.BalanceUsdt }),
    }, BacktestStore.Json);
}
