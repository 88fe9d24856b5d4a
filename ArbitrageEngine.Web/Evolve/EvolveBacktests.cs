using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Web.Backtests;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>
/// The backtest runner of a run: the engine's <see cref="BacktestRunner"/> over the stored events of the dataset. In
/// the app its replay loops run on the low-priority <see cref="ResearchThreads"/> (the sweep runs beside the live
/// loop); the CLI registers none (no live loop in that process) and uses the thread pool.
/// </summary>
public sealed class EvolveBacktests(MarketDatabase database, IOptions<MarketOptions> market, TimeProvider clock, ILoggerFactory loggers, ResearchThreads? threads = null)
{
    public async Task<IBacktestRunner> ForAsync(DatasetInfo dataset, CancellationToken ct) =>
        new BacktestRunner(
            MarketPipelineService.EngineSettingsFrom(market.Value),
            StoredMarketEvents.For(await database.DataSourceAsync(ct), dataset),
            time: clock,
            logger: loggers.CreateLogger<BacktestRunner>(),
            lanes: threads);
}
