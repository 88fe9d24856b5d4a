using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ArbitrageEngine.Tests.Integration.Persistence;

/// <summary>The context and migrations moved from Engine to Web: ids and model must be exactly what existing databases recorded.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MigrationHistoryTests(PostgresFixture postgres)
{
    private static readonly string[] ShippedIds =
    [
        "20261126105441_InitialSchema",
        "20261126105447_AggTradesPartitioningAndAuditGuard",
        "20261126111000_MarketDataTables",
        "20261126115000_PaperTrading",
        "20261126130000_ApiTokens",
    ];

    [Fact]
    public async Task Migrate_DatabaseWithShippedHistory_NothingPendingAndIdsUnchanged()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync("history");
        await using var db = PostgresFixture.CreateContext(connectionString);

        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        foreach (var id in ShippedIds)
        {
            Assert.Contains(id, applied);
        }

        // A second run against the existing database is a no-op (what a restart after the move does).
        await db.Database.MigrateAsync();
        Assert.Equal(applied, await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public void Model_AfterMove_MatchesSnapshot()
    {
        using var db = PostgresFixture.CreateContext("Host=127.0.0.1;Database=unused");

        Assert.False(db.Database.HasPendingModelChanges());
    }
}
