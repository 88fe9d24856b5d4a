using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Market;

[Collection(PostgresCollection.Name)]
public sealed class AggTradeStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;
    private AggTradeStore _store = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("trades"));
        _store = new AggTradeStore(_dataSource, datasetId: 1);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    private static readonly long Oct2026 = new DateTimeOffset(2026, 10, 7, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static List<SymbolTrade> Trades(string symbol, long fromId, int count, long startMs) =>
        Enumerable.Range(0, count).Select(i => new SymbolTrade(symbol, new AggTrade(fromId + i, startMs + (i * 100), 60_000 + i, 0.01 * (i + 1), i % 2 == 0))).ToList();

    private async Task<long> Scalar(string sql)
    {
        await using var cmd = _dataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task WriteAsync_OverlappingBatches_StoresEachTradeOnceAndCountsDuplicates()
    {
        var first = await _store.WriteAsync(Trades("BTCUSDT", 100, 1000, Oct2026));
        var overlap = await _store.WriteAsync(Trades("BTCUSDT", 600, 1000, Oct2026 + (500 * 100)));

        Assert.Equal(new WriteOutcome(1000, 0), first);
        Assert.Equal(new WriteOutcome(500, 500), overlap);
        Assert.Equal(1500, await Scalar("SELECT count(*) FROM agg_trades WHERE symbol = 'BTCUSDT'"));
        Assert.Equal(1599, await Scalar("SELECT last_agg_id FROM agg_trades_meta WHERE symbol = 'BTCUSDT'"));
    }

    [Fact]
    public async Task WriteAsync_TradesInTwoMonths_CreatesMonthlyPartitionsAndNothingInDefault()
    {
        var endOfOctober = new DateTimeOffset(2026, 10, 31, 23, 59, 59, TimeSpan.Zero).ToUnixTimeMilliseconds();

        await _store.WriteAsync(Trades("ETHUSDT", 1, 40, endOfOctober - 1000));

        Assert.True(await Scalar("SELECT count(*) FROM agg_trades_2026_10") > 0);
        Assert.True(await Scalar("SELECT count(*) FROM agg_trades_2026_11") > 0);
        Assert.Equal(0, await Scalar("SELECT count(*) FROM agg_trades_default"));
    }

    [Fact]
    public async Task ReadAsync_TimeRange_ReturnsTradesInAggIdOrderExactly()
    {
        var written = Trades("SOLUSDT", 10, 500, Oct2026);
        await _store.WriteAsync(written.AsEnumerable().Reverse().ToList());
        var read = new List<AggTrade>();

        var count = await _store.ReadAsync("SOLUSDT", Oct2026 + 100, Oct2026 + (400 * 100), read.Add);

        Assert.Equal(399, count);
        Assert.Equal(written.Skip(1).Take(399).Select(t => t.Trade), read);
    }
}
