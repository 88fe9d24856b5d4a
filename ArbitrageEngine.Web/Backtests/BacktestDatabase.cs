using ArbitrageEngine.Web.Hosting.Market;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>The run store on the app's data source (created once the database endpoint is known).</summary>
public sealed class BacktestDatabase(MarketDatabase market)
{
    private BacktestStore? _store;

    public async Task<BacktestStore> StoreAsync(CancellationToken cancellationToken = default) =>
        _store ??= new BacktestStore(await market.DataSourceAsync(cancellationToken));
}
