using System.Text.Json;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Persistence.Engine;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>
/// The product's <see cref="IBacktestJobs"/>: specs are resolved by <see cref="BacktestSpecResolver"/> and run by the
/// engine's <see cref="BacktestRunner"/> over the stored dataset (parity mode reads the live loop's journal of it).
/// </summary>
public sealed class BacktestJobs(BacktestSpecResolver resolver, MarketDatabase market, IOptions<MarketOptions> marketOptions, ILoggerFactory loggers) : IBacktestJobs
{
    public async Task<BacktestPlanCheck> CheckAsync(string kind, JsonElement spec, CancellationToken cancellationToken)
    {
        if (kind == BacktestRunKinds.WalkForward)
        {
            return BacktestPlanCheck.Invalid(new Dictionary<string, string[]> { ["kind"] = ["Walk-forward runs are started with the CLI verb 'walkforward' in this version."] });
        }

        var resolved = await resolver.ResolveAsync(spec, cancellationToken);
        return resolved.Request is not { } r
            ? BacktestPlanCheck.Invalid(resolved.Errors)
            : new BacktestPlanCheck(resolved.Errors, r.Dataset.Name, r.FromMs, r.ToMs, r.Symbols, r.Strategies.Count);
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
        var runner = new BacktestRunner(MarketPipelineService.EngineSettingsFrom(marketOptions.Value), StoredMarketEvents.For(dataSource, request.Dataset), parity,
            logger: loggers.CreateLogger<BacktestRunner>());
        return new BacktestOutcome(await runner.RunAsync(request, progress, cancellationToken));
    }
}
