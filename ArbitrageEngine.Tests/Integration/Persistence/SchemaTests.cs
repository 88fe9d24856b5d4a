using ArbitrageEngine.Tests.Infrastructure;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class SchemaTests(PostgresFixture postgres) : IAsyncLifetime
{
    private string connectionString = "";

    public async Task InitializeAsync() => connectionString = await postgres.CreateMigratedDatabaseAsync("schema");

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Migrate_FreshDatabase_CreatesSnakeCaseTables()
    {
        foreach (var table in new[] { "asp_net_users", "asp_net_roles", "invite_codes", "invite_code_uses", "audit_log", "strategies", "agg_trades", "agg_trades_meta" })
        {
            Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM pg_class WHERE relname = '{table}'"));
        }

        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND column_name <> lower(column_name)"));
    }

    [Fact]
    public async Task Migrate_FreshDatabase_StrategiesHasEveryEngineField()
    {
        string[] expected =
        [
            "strategy_id", "display_name", "description", "symbol", "direction", "status", "cvd_fast_window", "cvd_slow_window",
            "weight_direction", "weight_env", "weight_aux", "weight_momentum", "entry_score", "flip_threshold", "gate_vol_enabled",
            "vol_atr_pct_min", "gate_cvd_enabled", "gate_whale_enabled", "whale_usd_threshold", "whale_flow_pct", "gate_obi_enabled",
            "obi_threshold", "gate_spot_perp_enabled", "spot_perp_threshold", "sl_atr_multiplier", "tp1_ratio", "tp2_ratio",
            "timeout_minutes", "initial_balance", "current_balance", "options", "tags", "created_at", "updated_at",
            "status_changed_at", "deprecated_at", "last_run_at",
        ];
        foreach (var column in expected)
        {
            Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM information_schema.columns WHERE table_name = 'strategies' AND column_name = '{column}'"));
        }

        Assert.Equal("numeric", await ScalarAsync("SELECT data_type FROM information_schema.columns WHERE table_name = 'strategies' AND column_name = 'initial_balance'"));
        Assert.Equal("jsonb", await ScalarAsync("SELECT data_type FROM information_schema.columns WHERE table_name = 'strategies' AND column_name = 'options'"));
        Assert.Equal("ARRAY", await ScalarAsync("SELECT data_type FROM information_schema.columns WHERE table_name = 'strategies' AND column_name = 'tags'"));
    }

    [Fact]
    public async Task EnsureAggTradesPartition_MidMonthInstant_CreatesMonthlyPartitionThatReceivesRows()
    {
        const long midMarch2026 = 1_773_600_000_000; // 2026-03-15T18:40Z

        Assert.Equal("agg_trades_2026_03", await ScalarAsync($"SELECT ensure_agg_trades_partition({midMarch2026})"));
        Assert.Equal("agg_trades_2026_03", await ScalarAsync($"SELECT ensure_agg_trades_partition({midMarch2026})"));
        await ScalarAsync($"INSERT INTO agg_trades VALUES ('BTCUSDT', 1, {midMarch2026}, 65000.5, 0.01, false), ('BTCUSDT', 2, 1, 1.0, 1.0, true)");

        Assert.Equal("agg_trades_2026_03", await ScalarAsync($"SELECT tableoid::regclass::text FROM agg_trades WHERE agg_id = 1"));
        Assert.Equal("agg_trades_default", await ScalarAsync($"SELECT tableoid::regclass::text FROM agg_trades WHERE agg_id = 2"));
        // 2026-03-01T00:00Z .. 2026-04-01T00:00Z
        Assert.Contains("FROM ('1772323200000') TO ('1775001600000')", (string)(await ScalarAsync("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'agg_trades_2026_03'"))!);
    }

    [Fact]
    public async Task AuditLog_UpdateOrDelete_Refused()
    {
        await ScalarAsync("INSERT INTO audit_log (actor, action, target_type, at) VALUES ('t', 'test', 'none', now())");

        await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync("UPDATE audit_log SET actor = 'x'"));
        await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync("DELETE FROM audit_log"));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM audit_log WHERE actor = 't'"));
    }
}
