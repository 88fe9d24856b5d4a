using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Market;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// The Npgsql data source for bulk market data, created once the database endpoint is known (the local cluster
/// starts during host start-up), with the stores built on it. Market data stores are bound to a dataset
/// (backtest.md §5); without one given, to the active dataset: the configured source's (<see cref="DatasetAsync"/>).
/// </summary>
public sealed class MarketDatabase(DatabaseEndpoint endpoint, IOptions<MarketOptions>? options = null) : IAsyncDisposable
{
    /// <summary>The dataset name of the live Binance connector (and the default of <c>import</c>: the dumps carry Binance's own agg ids).</summary>
    public const string BinanceDataset = "binance";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _datasetGate = new(1, 1);
    private NpgsqlDataSource? _dataSource;
    private DatasetInfo? _dataset;

    public async Task<NpgsqlDataSource> DataSourceAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is not null)
        {
            return _dataSource;
        }

        var connectionString = await endpoint.Ready.WaitAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _dataSource ??= NpgsqlDataSource.Create(connectionString);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The active dataset: the configured source's (simulated → <c>simulated-SEED</c>, Binance → <c>binance</c>), created
    /// when missing. The first call claims dataset 1 while it is still <c>pending</c> (rows stored before datasets
    /// existed belong to the configured source). With <c>Market:Source=None</c>, dataset 1 as it is.
    /// </summary>
    public async Task<DatasetInfo> DatasetAsync(CancellationToken cancellationToken)
    {
        if (_dataset is not null)
        {
            return _dataset;
        }

        var catalog = await DatasetsAsync(cancellationToken);
        await _datasetGate.WaitAsync(cancellationToken);
        try
        {
            return _dataset ??= await ClaimConfiguredAsync(catalog, options?.Value ?? new MarketOptions(), cancellationToken);
        }
        finally
        {
            _datasetGate.Release();
        }
    }

    /// <summary>The dataset a configured source writes to: (name, kind, seed); null for <see cref="MarketSourceKind.None"/>.</summary>
    public static (string Name, string Kind, long? Seed)? ConfiguredDataset(MarketOptions options) => options.Source switch
    {
        MarketSourceKind.Simulated => (DatasetInfo.SimulatedName(options.Simulated.Seed), DatasetKinds.Simulated, unchecked((long)options.Simulated.Seed)),
        MarketSourceKind.Binance => (BinanceDataset, DatasetKinds.Binance, null),
        _ => null,
    };

    /// <summary>Claims the pending dataset for the configured source and returns that source's dataset (used by the app and the CLI).</summary>
    public static async Task<DatasetInfo> ClaimConfiguredAsync(DatasetCatalog catalog, MarketOptions options, CancellationToken cancellationToken)
    {
        if (ConfiguredDataset(options) is { } d)
        {
            return await catalog.ClaimPendingAsync(d.Name, d.Kind, d.Seed, cancellationToken);
        }

        return (await catalog.ListAsync(cancellationToken)).First(x => x.Id == DatasetCatalog.PendingDatasetId);
    }

    public async Task<DatasetCatalog> DatasetsAsync(CancellationToken cancellationToken) => new(await DataSourceAsync(cancellationToken));

    /// <summary>Trades of the active dataset.</summary>
    public async Task<AggTradeStore> TradesAsync(CancellationToken cancellationToken) => await TradesAsync(await DatasetAsync(cancellationToken), cancellationToken);

    public async Task<AggTradeStore> TradesAsync(DatasetInfo dataset, CancellationToken cancellationToken) => new(await DataSourceAsync(cancellationToken), dataset.Id);

    public async Task<Engine.Persistence.Paper.PaperTradeStore> PaperAsync(CancellationToken cancellationToken) => new(await DataSourceAsync(cancellationToken));

    /// <summary>Features, liquidations and funding of the active dataset (writes).</summary>
    public async Task<MarketDataStore> MarketDataAsync(CancellationToken cancellationToken) => await MarketDataAsync(await DatasetAsync(cancellationToken), cancellationToken);

    public async Task<MarketDataStore> MarketDataAsync(DatasetInfo dataset, CancellationToken cancellationToken) => new(await DataSourceAsync(cancellationToken), dataset.Id);

    /// <summary>Stored feature readings of the active dataset (reads: warm-up, replay).</summary>
    public async Task<FeatureHistoryStore> FeaturesAsync(CancellationToken cancellationToken) => await FeaturesAsync(await DatasetAsync(cancellationToken), cancellationToken);

    public async Task<FeatureHistoryStore> FeaturesAsync(DatasetInfo dataset, CancellationToken cancellationToken) => new(await DataSourceAsync(cancellationToken), dataset.Id);

    /// <summary>A replay of <paramref name="dataset"/> (the active one when null) for <paramref name="symbols"/> and [fromMs, toMs).</summary>
    public async Task<StoredMarketSource> ReplayAsync(DatasetInfo? dataset, IReadOnlyList<string> symbols, long fromMs, long toMs, CancellationToken cancellationToken) =>
        new(await DataSourceAsync(cancellationToken), dataset ?? await DatasetAsync(cancellationToken), symbols, fromMs, toMs);

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        _gate.Dispose();
        _datasetGate.Dispose();
    }
}
