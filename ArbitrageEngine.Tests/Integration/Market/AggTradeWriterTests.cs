using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Market;

[Collection(PostgresCollection.Name)]
public sealed class AggTradeWriterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;
    private AggTradeStore _store = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("writer"));
        _store = new AggTradeStore(_dataSource, datasetId: 1);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    private static readonly long Start = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private async Task Exec(string sql)
    {
        await using var cmd = _dataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<long> Count()
    {
        await using var cmd = _dataSource.CreateCommand("SELECT count(*) FROM agg_trades");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task FlushAsync_DuringOutage_KeepsTradesAndWritesThemOnceAfterRecovery()
    {
        var writer = new AggTradeWriter(_store, new AggTradeWriterOptions { BatchSize = 100, MaxBuffered = 10_000 });
        await _store.EnsurePartitionsAsync(Start, Start);
        await Exec("ALTER TABLE agg_trades RENAME TO agg_trades_offline");
        for (var i = 0; i < 2_500; i++)
        {
            writer.Enqueue("BTCUSDT", new AggTrade(i + 1, Start + i, 60_000, 0.1, false));
        }

        Assert.False(await writer.FlushAsync(CancellationToken.None));
        Assert.Equal(2_500, writer.Buffered);
        Assert.Equal(1, writer.Failures);

        await Exec("ALTER TABLE agg_trades_offline RENAME TO agg_trades");
        Assert.True(await writer.FlushAsync(CancellationToken.None));

        Assert.Equal(2_500, await Count());
        Assert.Equal(0, writer.Buffered);
        Assert.Equal(2_500, writer.Written);
        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public async Task Enqueue_BeyondTheBound_DropsOldestAndCountsThem()
    {
        var writer = new AggTradeWriter(_store, new AggTradeWriterOptions { BatchSize = 100, MaxBuffered = 1_000 });
        await Exec("ALTER TABLE agg_trades RENAME TO agg_trades_offline");
        for (var i = 0; i < 1_550; i++)
        {
            writer.Enqueue("BTCUSDT", new AggTrade(i + 1, Start + i, 60_000, 0.1, false));
        }

        Assert.False(await writer.FlushAsync(CancellationToken.None));
        await Exec("ALTER TABLE agg_trades_offline RENAME TO agg_trades");
        Assert.True(await writer.FlushAsync(CancellationToken.None));

        Assert.Equal(600, writer.Dropped);
        Assert.Equal(950, await Count());
        await using var cmd = _dataSource.CreateCommand("SELECT min(agg_id) FROM agg_trades");
        Assert.Equal(601L, await cmd.ExecuteScalarAsync()); // the oldest were dropped, never the newest
    }

    [Fact]
    public async Task RunAsync_TradesTrickleIn_FlushedWithinAboutASecond()
    {
        var writer = new AggTradeWriter(_store, new AggTradeWriterOptions { BatchSize = 1_000, FlushInterval = TimeSpan.FromMilliseconds(200) });
        using var cts = new CancellationTokenSource();
        var run = writer.RunAsync(cts.Token);
        for (var i = 0; i < 10; i++)
        {
            writer.Enqueue("ETHUSDT", new AggTrade(i + 1, Start + i, 3_000, 1, true));
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await Count() < 10 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await cts.CancelAsync();
        await run;
        Assert.Equal(10, await Count());
    }
}
