using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Strategies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Hosting;

/// <summary>
/// A crash between storing a command and the loop applying it: the command is in the log (pending) together with the
/// change, and the next start loads the change and stamps the command as applied at the start of its session — the
/// command is either in the log and in effect after the restart, or (its transaction rolled back) in neither.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CommandRecoveryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task PendingCommand_AppStarts_LoadsTheChangeAndStampsTheCommandWithTheSession()
    {
        var cs = await postgres.CreateMigratedDatabaseAsync("cmdrecovery");
        await using var db = NpgsqlDataSource.Create(cs);
        Guid id;
        await using (var ctx = PostgresFixture.CreateContext(cs))
        {
            await StrategySeeder.SeedIfEmptyAsync(ctx, MarketOptions.DefaultSymbols, DateTimeOffset.UnixEpoch, CancellationToken.None);
            id = (await ctx.Strategies.AsNoTracking().OrderBy(s => s.CreatedAt).ThenBy(s => s.StrategyId).FirstAsync()).StrategyId;
            // The app that stored this edit "crashed" before its loop ran a tick: nothing but the database knows of it.
            var service = new StrategyService(ctx, new AuditLog(ctx), new EngineCommandQueue(),
                Options.Create(new MarketOptions { Symbols = MarketOptions.DefaultSymbols }), TimeProvider.System);
            var before = StrategyRowMapper.ToDefinition(await ctx.Strategies.AsNoTracking().SingleAsync(s => s.StrategyId == id));
            Assert.True((await service.UpdateAsync(id, before with { EntryScore = 91 }, new AuditActor("test", null, null))).Succeeded);
        }

        Assert.Equal(1L, await ScalarAsync(db, "SELECT count(*) FROM engine_commands WHERE applied_session IS NULL AND applied_tick_ms IS NULL"));

        await using (var app = new TestApp(cs, kestrel: false, SimulatedApp.Settings()))
        {
            var pipeline = app.Services.GetRequiredService<MarketPipelineService>();
            await SimulatedApp.Until(() => Task.FromResult(pipeline.Loop?.TicksRun > 0), "a live tick", 180);
            Assert.Equal(91, pipeline.Loop!.Engine.StrategyById(id)!.EntryScore);
            Assert.Equal(0, pipeline.Loop.CommandsApplied); // in effect through the loaded strategy, not applied a second time
        }

        Assert.Equal(1L, await ScalarAsync(db, """
            SELECT count(*) FROM engine_commands c JOIN engine_sessions s ON s.session_id = c.applied_session
            WHERE c.applied_tick_ms IS NULL AND c.command_id = ANY(s.applied_commands)
            """));
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
