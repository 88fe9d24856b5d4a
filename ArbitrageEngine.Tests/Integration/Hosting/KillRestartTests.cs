using System.Diagnostics;
using ArbitrageEngine.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace ArbitrageEngine.Tests.Integration.Hosting;

/// <summary>
/// The real app as a separate process, killed with SIGKILL mid-position (no graceful shutdown, no flush) and started
/// again on the same database: open positions resume, an exit that stored trades show happened while it was down is
/// applied once at its level with the trade's time, and no strategy signals twice within its cooldown.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KillRestartTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const long CooldownMs = 600_000;

    private sealed record Position(long Id, Guid StrategyId, string Symbol, string Direction, string Status, double Sl, long EntryTs, double? ExitPrice, long? ExitTs);

    [Fact]
    public async Task KillMidPosition_Restart_ResumesAppliesMissedStopOnceAndDoesNotResignal()
    {
        var cs = await postgres.CreateMigratedDatabaseAsync("killrestart");
        await using var db = NpgsqlDataSource.Create(cs);

        var first = StartApp(cs);
        List<Position> before;
        try
        {
            // The first signal comes when the simulated market gives one: usually within a minute or two, but it timed
            // out at 180 s in one CI run, so the wait is generous (it ends as soon as a position opens).
            await SimulatedApp.Until(async () => (await PositionsAsync(db)).Any(p => p.Status == "active"), "an open position", 360);
            await Task.Delay(1500); // let a few more ticks run so several strategies hold positions
            before = await PositionsAsync(db);
        }
        finally
        {
            first.Kill(entireProcessTree: true); // SIGKILL: nothing is flushed
            await first.WaitForExitAsync();
        }

        before = await PositionsAsync(db); // whatever reached the database before the kill
        var victim = before.First(p => p.Status == "active");
        var balanceBefore = await BalanceAsync(db, victim.StrategyId);

        // While the app is down, storage receives a trade through the victim's stop (as the collector or an import would).
        var (lastId, lastTime) = await LastTradeAsync(db, victim.Symbol);
        var stopTrade = victim.Direction == "LONG" ? victim.Sl * 0.99 : victim.Sl * 1.01;
        var stopTime = Math.Max(lastTime, victim.EntryTs) + 1;
        await using (var cmd = db.CreateCommand("INSERT INTO agg_trades (symbol, agg_id, time_ms, price, qty, is_buyer_maker) VALUES ($1, $2, $3, $4, 1, true)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = victim.Symbol });
            cmd.Parameters.Add(new NpgsqlParameter { Value = lastId + 1 });
            cmd.Parameters.Add(new NpgsqlParameter { Value = stopTime });
            cmd.Parameters.Add(new NpgsqlParameter { Value = stopTrade });
            await cmd.ExecuteNonQueryAsync();
        }

        var restartedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var second = StartApp(cs);
        try
        {
            await SimulatedApp.Until(async () => (await PositionsAsync(db)).Single(p => p.Id == victim.Id).Status != "active", "the missed stop to be applied", 180);
            await SimulatedApp.Until(async () => await TickedSinceAsync(db, restartedAt), "live ticks after the restart", 120);
            await Task.Delay(3000); // a few ticks in which a duplicate signal would show up
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }

        var after = await PositionsAsync(db);
        var closed = after.Single(p => p.Id == victim.Id);
        output.WriteLine($"victim {victim.Id} {victim.Direction} {victim.Symbol}: {closed.Status} at {closed.ExitPrice} (sl {victim.Sl}) ts {closed.ExitTs} (stop trade {stopTime})");
        Assert.Contains(closed.Status, new[] { "sl", "sl_be" });
        Assert.Equal(stopTime, closed.ExitTs);
        Assert.Equal(victim.Sl, closed.ExitPrice!.Value, 9);

        // Closed once: the balance moved by exactly this trade's P&L (and any other closes of the same strategy).
        var closedSinceKill = after.Where(p => p.StrategyId == victim.StrategyId && p.ExitTs is not null && before.FirstOrDefault(b => b.Id == p.Id)?.ExitTs is null);
        var pnlSinceKill = await PnlOfClosedAsync(db, victim.StrategyId, closedSinceKill.Select(p => p.Id));
        Assert.Equal(balanceBefore + pnlSinceKill, await BalanceAsync(db, victim.StrategyId), 6);

        // The other positions open at the kill are still there (still active or closed normally) — none lost.
        foreach (var p in before.Where(p => p.Status == "active"))
        {
            Assert.Contains(after, a => a.Id == p.Id);
        }

        // No re-signal inside the cooldown: consecutive entries of a strategy are ≥ 10 min apart unless the earlier one was flipped.
        foreach (var group in after.GroupBy(p => p.StrategyId))
        {
            var ordered = group.OrderBy(p => p.EntryTs).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var gap = ordered[i].EntryTs - ordered[i - 1].EntryTs;
                Assert.True(gap >= CooldownMs || ordered[i - 1].Status == "signal_flip",
                    $"strategy {group.Key} opened {ordered[i].Id} {gap} ms after {ordered[i - 1].Id} ({ordered[i - 1].Status})");
            }
        }
    }

    private Process StartApp(string cs) => AppProcess.Start(cs, output);

    private static async Task<List<Position>> PositionsAsync(NpgsqlDataSource db)
    {
        var result = new List<Position>();
        await using var cmd = db.CreateCommand("SELECT position_id, strategy_id, symbol, direction, status, sl, entry_ts, exit_price, exit_ts FROM paper_trades ORDER BY position_id");
        try
        {
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                result.Add(new Position(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetDouble(5), r.GetInt64(6),
                    r.IsDBNull(7) ? null : r.GetDouble(7), r.IsDBNull(8) ? null : r.GetInt64(8)));
            }
        }
        catch (PostgresException)
        {
            // Not migrated yet.
        }

        return result;
    }

    private static async Task<double> BalanceAsync(NpgsqlDataSource db, Guid strategyId)
    {
        await using var cmd = db.CreateCommand("SELECT current_balance::float8 FROM strategies WHERE strategy_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = strategyId });
        return (double)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<double> PnlOfClosedAsync(NpgsqlDataSource db, Guid strategyId, IEnumerable<long> ids)
    {
        await using var cmd = db.CreateCommand("SELECT coalesce(sum(pnl_usdt), 0)::float8 FROM paper_trades WHERE strategy_id = $1 AND position_id = ANY($2)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = strategyId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        return (double)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<(long Id, long Time)> LastTradeAsync(NpgsqlDataSource db, string symbol)
    {
        await using var cmd = db.CreateCommand("SELECT agg_id, time_ms FROM agg_trades WHERE symbol = $1 ORDER BY agg_id DESC LIMIT 1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = symbol });
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "no stored trade");
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private static async Task<bool> TickedSinceAsync(NpgsqlDataSource db, long sinceMs)
    {
        await using var cmd = db.CreateCommand("SELECT count(DISTINCT ts) FROM signal_evaluations WHERE ts > $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = sinceMs });
        return (long)(await cmd.ExecuteScalarAsync())! >= 2;
    }
}
