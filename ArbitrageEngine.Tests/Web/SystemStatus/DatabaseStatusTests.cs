using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.SystemStatus;
using Npgsql;

namespace ArbitrageEngine.Tests.Web.SystemStatus;

public class DatabaseStatusOrderTests
{
    [Fact]
    public void Order_PartitionedTable_SumsItsPartitionsAndListsThemAfterIt()
    {
        TableSize[] rows =
        [
            new("small", null, false, 100, 50, 10, 0),
            new("trades", null, true, 0, 0, null, 0),
            new("trades_2026_01", "trades", false, 300, 200, 1000, 0),
            new("trades_2026_02", "trades", false, 500, 400, null, 0),
        ];

        var ordered = DatabaseStatus.Order(rows);

        Assert.Equal(["trades", "trades_2026_02", "trades_2026_01", "small"], ordered.Select(r => r.Name));
        Assert.Equal((800L, 600L, 1000L, 2), (ordered[0].TotalBytes, ordered[0].TableBytes, ordered[0].RowEstimate!.Value, ordered[0].Partitions));
    }
}

[Collection(PostgresCollection.Name)]
public sealed class DatabaseStatusTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ReadAsync_MigratedDatabase_TablesPartitionsAndConnections()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("sysdb"));

        var status = await DatabaseStatus.ReadAsync(dataSource, default);

        var aggTrades = status.Tables.Single(t => t.Name == "agg_trades");
        Assert.True(aggTrades.Partitioned);
        Assert.True(aggTrades.Partitions >= 1);
        Assert.Contains(status.Tables, t => t.Parent == "agg_trades");
        Assert.Contains(status.Tables, t => t.Name == "funding_rates");
        Assert.True(status.DatabaseBytes > 0);
        Assert.True(status.Connections.Sum(c => c.Count) >= 1);
        Assert.True(status.MaxConnections > 0);
    }
}
