using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Market;

[Collection(PostgresCollection.Name)]
public sealed class DatasetMigrationTests(PostgresFixture postgres)
{
    private static readonly long Oct2026 = new DateTimeOffset(2026, 10, 7, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static async Task Exec(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> Scalar(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Migrate_ExistingMarketRows_MovesThemIntoPendingDatasetOneThatTheClaimRenames()
    {
        var cs = await postgres.CreateDatabaseAsync("dsmig");
        await using (var context = PostgresFixture.CreateContext(cs))
        {
            await context.GetService<IMigrator>().MigrateAsync("20261126130000_ApiTokens");
        }

        await using var db = NpgsqlDataSource.Create(cs);
        await Exec(db, $$"""
            SELECT ensure_agg_trades_partition({{Oct2026}});
            INSERT INTO agg_trades (symbol, agg_id, time_ms, price, qty, is_buyer_maker) VALUES ('BTCUSDT', 7, {{Oct2026}}, 60000, 1, true), ('BTCUSDT', 8, {{Oct2026 + 1}}, 60001, 1, false);
            INSERT INTO agg_trades_meta (symbol, last_agg_id, last_time_ms) VALUES ('BTCUSDT', 8, {{Oct2026 + 1}});
            INSERT INTO market_indicators (symbol, indicator_type, timestamp_ms, value) VALUES ('BTCUSDT', 'funding_rate', {{Oct2026}}, '{"value": 0.0001}');
            INSERT INTO liquidations (symbol, time_ms, side, price, qty, usd) VALUES ('BTCUSDT', {{Oct2026}}, 'SELL', 60000, 1, 60000);
            INSERT INTO funding_snapshots (symbol, ts, mark_price, index_price, funding_rate, next_funding_time) VALUES ('BTCUSDT', {{Oct2026}}, 1, 1, 0.0001, 0);
            """);

        await using (var context = PostgresFixture.CreateContext(cs))
        {
            await context.Database.MigrateAsync();
        }

        foreach (var table in new[] { "agg_trades", "agg_trades_meta", "market_indicators", "liquidations", "funding_snapshots" })
        {
            Assert.Equal(0, await Scalar(db, $"SELECT count(*) FROM {table} WHERE dataset_id <> 1"));
            Assert.True(await Scalar(db, $"SELECT count(*) FROM {table} WHERE dataset_id = 1") > 0, table);
        }

        var catalog = new DatasetCatalog(db);
        var pending = Assert.Single(await catalog.ListAsync());
        Assert.Equal((1, "pending", DatasetKinds.Pending), (pending.Id, pending.Name, pending.Kind));

        var claimed = await catalog.ClaimPendingAsync("simulated-42", DatasetKinds.Simulated, 42);
        var again = await catalog.ClaimPendingAsync("binance", DatasetKinds.Binance, null);

        Assert.Equal((1, "simulated-42", DatasetKinds.Simulated, (long?)42), (claimed.Id, claimed.Name, claimed.Kind, claimed.Seed));
        Assert.NotEqual(1, again.Id); // claimed once: a later source gets its own, empty dataset
        Assert.Equal(2, (await new AggTradeStore(db, claimed.Id).ReadAllAsync("BTCUSDT", 0, long.MaxValue)).Count);
        Assert.Empty(await new AggTradeStore(db, again.Id).ReadAllAsync("BTCUSDT", 0, long.MaxValue));
        Assert.Equal(8, (await new AggTradeStore(db, claimed.Id).LastTradeAsync("BTCUSDT"))?.AggId);
    }

    [Fact]
    public async Task ClaimPendingAsync_NameAlreadyTaken_KeepsPendingRowsInTheirOwnDataset()
    {
        await using var db = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("dsclaim"));
        var catalog = new DatasetCatalog(db);
        await new AggTradeStore(db, DatasetCatalog.PendingDatasetId).WriteAsync([new SymbolTrade("ETHUSDT", new AggTrade(5, Oct2026, 3000, 1, true))]);
        var binance = await catalog.EnsureAsync("binance", DatasetKinds.Binance, null);

        var claimed = await catalog.ClaimPendingAsync("binance", DatasetKinds.Binance, null);

        Assert.Equal(binance.Id, claimed.Id);
        Assert.Contains(await catalog.ListAsync(), d => d is { Id: 1, Name: "binance-before-datasets", Kind: DatasetKinds.Binance });
        Assert.Null(await new AggTradeStore(db, binance.Id).LastTradeAsync("ETHUSDT"));
    }
}
