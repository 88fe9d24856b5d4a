using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Market;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Tests.Integration.Replay;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Backtests;
using ArbitrageEngine.Web.Persistence.Entities;
using ArbitrageEngine.Web.Strategies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace ArbitrageEngine.Tests.Integration.Backtests;

/// <summary>
/// Parity through the product path (issue 11): the real app runs the simulated market while a strategy is paused and
/// resumed; then a run started from the API with "replay recorded commands" over that period is queued, executed by the
/// worker and stored — and its stored trades are the live <c>paper_trades</c>, exactly.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BacktestApiParityTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const long MarketMinutes = 12;

    [Fact]
    public async Task ApiRunWithReplayCommands_OverLivePeriod_ReproducesLivePaperTrades()
    {
        var cs = await postgres.CreateMigratedDatabaseAsync("btparity");
        await using var db = NpgsqlDataSource.Create(cs);
        var live = new TestApp(cs, kestrel: false, LiveReplayParityTests.Settings());
        try
        {
            _ = live.Services;
            await SimulatedApp.Until(async () => await LiveReplayParityTests.TickSpanAsync(db) > 0, "live ticks", 240);
            var id = await FirstStrategyAsync(db);
            await ActAsync(live, (s, a) => s.PauseAsync(id, a));
            await SimulatedApp.Until(async () => await LiveReplayParityTests.TickSpanAsync(db) >= 3 * 60_000L, "3 market minutes", 300);
            await ActAsync(live, (s, a) => s.ResumeAsync(id, a));
            await SimulatedApp.Until(async () => await LiveReplayParityTests.TickSpanAsync(db) >= MarketMinutes * 60_000, $"{MarketMinutes} market minutes", 600);
        }
        finally
        {
            await live.DisposeAsync();
        }

        // The same configuration without a live source: only the worker runs.
        var settings = LiveReplayParityTests.Settings();
        settings["Market:Source"] = "None";
        settings["Backtest:PollSeconds"] = "1";
        await using var app = new TestApp(cs, kestrel: false, settings);
        var dataset = (await new DatasetCatalog(db).ListAsync()).Single(d => d.Kind == DatasetKinds.Simulated);
        var ranges = await new DatasetCatalog(db).RangesAsync(dataset.Id);
        long lastTick;
        await using (var cmd = db.CreateCommand("SELECT max(tick_ms) FROM engine_ticks WHERE skipped_reason IS NULL"))
        {
            lastTick = (long)(await cmd.ExecuteScalarAsync())!;
        }

        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AdminTokenAsync(app));
        var spec = new
        {
            dataset = dataset.Name,
            from = Iso(ranges.Max(r => r.FirstTimeMs)),
            to = Iso(Math.Min(lastTick + 1, ranges.Min(r => r.LastTimeMs))),
            strategies = "all",
            replay_commands = true,
            warmup_hours = 0,
        };
        using var response = await client.PostAsJsonAsync("/api/backtests", spec);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetGuid();
        var store = new BacktestStore(db);
        await SimulatedApp.Until(async () => (await store.FindAsync(runId)) is { IsFinished: true }, "the parity run", 600);
        var run = (await store.FindAsync(runId))!;
        Assert.True(run.Status == BacktestRunStatuses.Succeeded, run.Error);

        var liveTrades = await LiveTradesAsync(db);
        var stored = new List<ParityCheck.TradeRow>();
        await foreach (var t in store.AllTradesAsync(runId, null))
        {
            stored.Add(new ParityCheck.TradeRow(t.StrategyId, t.EntryMs, t.Entry, t.Direction, t.ExitMs, t.ExitPrice, t.Status, t.PnlR,
                t.PnlUsdt is { } u ? Math.Round((decimal)u, 8) : null, t.BalanceAfter is { } b ? Math.Round((decimal)b, 8) : null));
        }

        output.WriteLine($"live trades={liveTrades.Count} stored trades={stored.Count} evaluations={run.Evaluations} ticks={run.Ticks}");
        Assert.True(liveTrades.Count > 0, "the live period made no paper trade: nothing to compare");
        LiveReplayParityTests.AssertSame(LiveReplayParityTests.Normalise(liveTrades, lastTick), LiveReplayParityTests.Normalise(stored, lastTick), "paper trade");
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<Guid> FirstStrategyAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT strategy_id FROM strategies ORDER BY created_at, strategy_id LIMIT 1");
        return (Guid)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ActAsync(TestApp app, Func<StrategyService, AuditActor, Task<OperationResult<ArbitrageEngine.Engine.Strategies.StrategyDefinition>>> action)
    {
        await using var scope = app.CreateScope();
        var result = await action(scope.ServiceProvider.GetRequiredService<StrategyService>(), new AuditActor("parity-test", null, null));
        Assert.True(result.Succeeded, result.Status.ToString());
    }

    private static async Task<string> AdminTokenAsync(TestApp app)
    {
        await using var scope = app.CreateScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync(TestApp.AdminUserName);
        var result = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync(admin!.Id, "parity", new AuditActor(admin.UserName!, admin.Id, null));
        Assert.True(result.Succeeded);
        return result.Value!;
    }

    private static async Task<List<ParityCheck.TradeRow>> LiveTradesAsync(NpgsqlDataSource db)
    {
        var rows = new List<ParityCheck.TradeRow>();
        await using var cmd = db.CreateCommand("""
            SELECT strategy_id, entry_ts, entry_price, direction, exit_ts, exit_price, status, pnl_r, pnl_usdt, balance_after
            FROM paper_trades ORDER BY entry_ts, strategy_id
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add(new ParityCheck.TradeRow(r.GetGuid(0), r.GetInt64(1), r.GetDouble(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetDouble(5), r.GetString(6), r.IsDBNull(7) ? null : r.GetDouble(7),
                r.IsDBNull(8) ? null : r.GetDecimal(8), r.IsDBNull(9) ? null : r.GetDecimal(9)));
        }

        return rows;
    }
}
