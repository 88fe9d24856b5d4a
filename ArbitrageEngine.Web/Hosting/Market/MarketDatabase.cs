using ArbitrageEngine.Engine.Persistence.Market;
using Npgsql;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// The Npgsql data source for bulk market data, created once the database endpoint is known (the local cluster
/// starts during host start-up), with the stores built on it.
/// </summary>
public sealed class MarketDatabase(DatabaseEndpoint endpoint) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NpgsqlDataSource? _dataSource;

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

    public async Task<AggTradeStore> TradesAsync(CancellationToken cancellationToken) => new(await DataSourceAsync(cancellationToken));

    public async Task<Engine.Persistence.Paper.PaperTradeStore> PaperAsync(CancellationToken cancellationToken) => new(await DataSourceAsync(cancellationToken));

    public async Task<MarketDataStore> MarketDataAsync(CancellationToken cancellationToken) => new(await DataSourceAsync(cancellationToken));

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        _gate.Dispose();
    }
}
