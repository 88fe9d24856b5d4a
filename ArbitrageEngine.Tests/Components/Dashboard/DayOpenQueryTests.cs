using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Dashboard;
using Npgsql;

namespace ArbitrageEngine.Tests.Components.Dashboard;

[Collection(PostgresCollection.Name)]
public sealed class DayOpenQueryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private NpgsqlDataSource _dataSource = null!;
    private AggTradeStore _store = null!;

    private static readonly long Start = new DateTimeOffset(2026, 10, 30, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("dayopen"));
        _store = new AggTradeStore(_dataSource, datasetId: 1);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    /// <summary>One trade a minute for three days (crossing a month partition), ids with gaps, price = 1000 + index.</summary>
    private Task SeedAsync(string symbol) => SeedAsync(_store, symbol, 0);

    private static async Task SeedAsync(AggTradeStore store, string symbol, double priceOffset)
    {
        var trades = Enumerable.Range(0, 3 * 1440)
            .Select(i => new SymbolTrade(symbol, new AggTrade(5_000 + (i * 7L), Start + (i * 60_000L), 1_000 + i + priceOffset, 1, false)))
            .ToList();
        await store.WriteAsync(trades);
    }

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(1L, 1)]            // just after a trade → the next one
    [InlineData(60_000L, 1)]       // exactly on a trade
    [InlineData(1_440L * 60_000, 1_440)]
    [InlineData((2_000L * 60_000) + 59_999, 2_001)]
    [InlineData(4_319L * 60_000, 4_319)] // the last trade
    public async Task FirstTradeSinceAsync_TimeInsideHistory_ReturnsFirstTradeAtOrAfterIt(long offsetMs, int expectedIndex)
    {
        await SeedAsync("BTCUSDT");
        await SeedAsync("ETHUSDT"); // another symbol must not interfere

        var open = await new DayOpenQuery(_dataSource, 1).FirstTradeSinceAsync("BTCUSDT", Start + offsetMs);

        Assert.Equal(new DayOpen(1_000 + expectedIndex, Start + (expectedIndex * 60_000L)), open);
    }

    [Fact]
    public async Task FirstTradeSinceAsync_AfterLastTradeOrUnknownSymbol_ReturnsNull()
    {
        await SeedAsync("SOLUSDT");
        var query = new DayOpenQuery(_dataSource, 1);

        Assert.Null(await query.FirstTradeSinceAsync("SOLUSDT", Start + (4_320L * 60_000)));
        Assert.Null(await query.FirstTradeSinceAsync("XRPUSDT", Start));
    }

    [Fact]
    public async Task FirstTradeSinceAsync_OtherDatasetHasSameSymbol_ReadsOnlyItsOwnDataset()
    {
        var imported = await new DatasetCatalog(_dataSource).EnsureAsync("imported-btc", DatasetKinds.Import, null);
        await SeedAsync(new AggTradeStore(_dataSource, imported.Id), "BTCUSDT", priceOffset: 50_000);

        Assert.Null(await new DayOpenQuery(_dataSource, 1).FirstTradeSinceAsync("BTCUSDT", Start));
        Assert.Equal(new DayOpen(51_000, Start), await new DayOpenQuery(_dataSource, imported.Id).FirstTradeSinceAsync("BTCUSDT", Start));
    }
}
