using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Hosting.Market;
using Npgsql;
using Xunit.Abstractions;

namespace ArbitrageEngine.Tests.Integration.Replay;

/// <summary>
/// Parity across a crash: the app (a real process, simulated market, 10× market clock) is killed with SIGKILL in the
/// middle of its run and started again on the same database. The journal records when the engine was down; the parity
/// replay treats that interval as live recovery did (trades applied, exits taken, no ticks, fresh warm-up at the
/// restart) and still reproduces every stored evaluation and paper trade.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KillReplayParityTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task KillMidRun_RestartAndReplay_ReproducesEvaluationsAndTrades()
    {
        var cs = await postgres.CreateMigratedDatabaseAsync("killparity");
        await using var db = NpgsqlDataSource.Create(cs);
        var settings = LiveReplayParityTests.Settings();
        settings["Market:TimeScaleOrigin"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture); // one market time across the restart

        var first = AppProcess.Start(cs, output, settings);
        try
        {
            await SimulatedApp.Until(async () => await LiveReplayParityTests.TickSpanAsync(db) >= 8 * 60_000, "8 market minutes before the kill", 300);
        }
        finally
        {
            await AppProcess.KillAsync(first);
        }

        var spanAtKill = await LiveReplayParityTests.TickSpanAsync(db);
        var second = AppProcess.Start(cs, output, settings);
        try
        {
            await SimulatedApp.Until(async () => await LiveReplayParityTests.TickSpanAsync(db) >= spanAtKill + (8 * 60_000), "8 market minutes after the restart", 300);
        }
        finally
        {
            await AppProcess.KillAsync(second);
        }

        var (live, replay, liveTrades, replayTrades, summary) = await ParityCheck.RunAsync(db,
            MarketPipelineService.EngineSettingsFrom(LiveReplayParityTests.Options()), MarketPipelineService.PaperSettingsFrom(new PaperOptions()));
        output.WriteLine($"sessions={summary.Sessions} ticks={summary.Ticks} events={summary.Events} evaluations={live.Count} trades={liveTrades.Count}");
        Assert.Equal(2, summary.Sessions);
        Assert.True(live.Count > 72 * 40, $"only {live.Count} evaluations");
        LiveReplayParityTests.AssertSame(live, replay, "evaluation");
        var lastTick = live.Max(e => e.Ts);
        LiveReplayParityTests.AssertSame(LiveReplayParityTests.Normalise(liveTrades, lastTick), LiveReplayParityTests.Normalise(replayTrades, lastTick), "paper trade");
    }
}
