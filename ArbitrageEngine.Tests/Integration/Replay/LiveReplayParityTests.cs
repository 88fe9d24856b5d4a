using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Strategies;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace ArbitrageEngine.Tests.Integration.Replay;

/// <summary>
/// backtest.md §9, the test that matters: the real app on the simulated market runs 20+ minutes of market time (10×
/// clock) while one strategy is edited, one paused and resumed and one topped up; a replay of the same dataset and range
/// with the recorded command log reproduces every stored evaluation and every paper trade exactly.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LiveReplayParityTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const long MarketMinutes = 20;

    public static Dictionary<string, string> Settings()
    {
        var settings = SimulatedApp.Settings();
        settings["Market:EvalIntervalSeconds"] = "15";
        settings["Market:TimeScale"] = "10";
        return settings;
    }

    [Fact]
    public async Task LiveRunWithEdits_ReplayWithRecordedCommands_ReproducesEvaluationsAndTrades()
    {
        var cs = await postgres.CreateMigratedDatabaseAsync("parity");
        await using var db = NpgsqlDataSource.Create(cs);
        var app = new TestApp(cs, kestrel: false, Settings());
        try
        {
            _ = app.Services;
            await SimulatedApp.Until(async () => await TickSpanAsync(db) > 0, "live ticks", 240);
            var ids = await StrategyIdsAsync(db);
            await Act(app, (s, a) => s.UpdateAsync(ids[0], null!, a), ids[0], edit: true);
            await WaitMarketMinutesAsync(db, 2);
            await Act(app, (s, a) => s.PauseAsync(ids[1], a), ids[1]);
            await WaitMarketMinutesAsync(db, 4);
            await Act(app, (s, a) => s.ResumeAsync(ids[1], a), ids[1]);
            await Act(app, (s, a) => s.AddBalanceAsync(ids[2], 500m, a), ids[2]);
            await SimulatedApp.Until(async () => await TickSpanAsync(db) >= MarketMinutes * 60_000, $"{MarketMinutes} market minutes of ticks", 600);
        }
        finally
        {
            await app.DisposeAsync();
        }

        var (live, replay, liveTrades, replayTrades, summary) = await ParityCheck.RunAsync(db,
            MarketPipelineService.EngineSettingsFrom(Options()), MarketPipelineService.PaperSettingsFrom(new PaperOptions()));
        output.WriteLine($"sessions={summary.Sessions} ticks={summary.Ticks} events={summary.Events} commands={summary.Commands} evaluations={live.Count} trades={liveTrades.Count}");
        Assert.Equal(4, summary.Commands);
        Assert.True(live.Count > 72 * 60, $"only {live.Count} evaluations");
        AssertSame(live, replay, "evaluation");
        AssertSame(Normalise(liveTrades, live.Max(e => e.Ts)), Normalise(replayTrades, live.Max(e => e.Ts)), "paper trade");
    }

    internal static MarketOptions Options() => new() { Symbols = MarketOptions.DefaultSymbols, EvalIntervalSeconds = 15, WarmupHours = 0.5 };

    /// <summary>A trade still open at the end of the compared range is compared by its entry only.</summary>
    internal static List<ParityCheck.TradeRow> Normalise(List<ParityCheck.TradeRow> trades, long lastTick) =>
        [.. trades.Where(t => t.EntryTs <= lastTick)
            .Select(t => t.ExitTs is { } x && x <= lastTick ? t : t with { ExitTs = null, ExitPrice = null, Status = "open", PnlR = null, PnlUsdt = null, BalanceAfter = null })
            .OrderBy(t => t.EntryTs).ThenBy(t => t.StrategyId)];

    internal static void AssertSame<T>(IReadOnlyList<T> live, IReadOnlyList<T> replay, string what)
    {
        for (var i = 0; i < Math.Min(live.Count, replay.Count); i++)
        {
            Assert.True(Equals(live[i], replay[i]), $"{what} {i} differs:\n live   {live[i]}\n replay {replay[i]}");
        }

        Assert.Equal(live.Count, replay.Count);
    }

    private static async Task Act(TestApp app, Func<StrategyService, AuditActor, Task<ArbitrageEngine.Web.Accounts.OperationResult<StrategyDefinition>>> action, Guid id, bool edit = false)
    {
        await using var scope = app.CreateScope();
        var service = scope.ServiceProvider.GetRequiredService<StrategyService>();
        var actor = new AuditActor("parity-test", null, null);
        var result = edit
            ? await service.UpdateAsync(id, (await service.FindAsync(id))! with { EntryScore = 62, Tp1Ratio = 0.8 }, actor)
            : await action(service, actor);
        Assert.True(result.Succeeded, result.Status.ToString());
    }

    internal static async Task<long> TickSpanAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT coalesce(max(tick_ms) - min(tick_ms), -1) FROM engine_ticks WHERE skipped_reason IS NULL");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task WaitMarketMinutesAsync(NpgsqlDataSource db, int minutes) =>
        await SimulatedApp.Until(async () => await TickSpanAsync(db) >= minutes * 60_000L, $"{minutes} market minutes", 300);

    private static async Task<List<Guid>> StrategyIdsAsync(NpgsqlDataSource db)
    {
        var ids = new List<Guid>();
        await using var cmd = db.CreateCommand("SELECT strategy_id FROM strategies ORDER BY created_at, strategy_id LIMIT 3");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            ids.Add(r.GetGuid(0));
        }

        return ids;
    }
}
