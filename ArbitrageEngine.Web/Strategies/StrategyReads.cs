using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Web.Dashboard;
using ArbitrageEngine.Web.Hosting.Market;

namespace ArbitrageEngine.Web.Strategies;

/// <summary>
/// The read models pages use for stored data (evaluations, trades, equity, CVD series, the day's opening prices):
/// components ask this service and never build SQL on a data source themselves (architecture test).
/// </summary>
public sealed class StrategyReads(MarketDatabase market)
{
    public async Task<PaperQueries> PaperAsync(CancellationToken cancellationToken = default) => new(await market.DataSourceAsync(cancellationToken));

    public async Task<DetailQueries> DetailAsync(CancellationToken cancellationToken = default) => new(await market.DataSourceAsync(cancellationToken));

    /// <summary>Opening prices of the day per symbol for the dashboard (the live dataset's trades).</summary>
    public DayOpenQuery DayOpen() => new(market.DataSourceAsync, async ct => (await market.DatasetAsync(ct)).Id);
}
