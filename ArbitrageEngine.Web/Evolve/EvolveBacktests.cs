using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Web.Backtests;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>
/// The backtest runner of a run: the engine's <see cref="BacktestRunner"/> over the stored events of the dataset, its
/// replay loops on the low-priority <see cref="ResearchThreads"/> (the sweep runs beside the live loop).
/// </summary>
public sealed class EvolveBacktests(MarketDatabase database, IOptions<MarketOptions> market, ResearchThreads threads, TimeProvider clock, ILoggerFactory loggers)
{
    public async Task<IBacktestRunner> ForAsync(DatasetInfo dataset, CancellationToken ct) =>
        new BacktestRunner(
            MarketPipelineService.EngineSettingsFrom(market.Value),
            StoredMarketEvents.For(await database.DataSourceAsync(ct), dataset),
            time: clock,
            logger: loggers.CreateLogger<BacktestRunner>(),
            lanes: threads);
}
