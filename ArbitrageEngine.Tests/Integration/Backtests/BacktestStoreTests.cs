using System.Text.Json;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Backtests;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Backtests;

/// <summary>The run store on a real PostgreSQL: the durable queue, the per-user cap, results by binary COPY, cancel, restart, delete.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BacktestStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private BacktestStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await postgres.CreateMigratedDatabaseAsync("btstore"));
        _store = new BacktestStore(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    internal static NewBacktestRun Run(string owner = "u1", string kind = BacktestRunKinds.Backtest) =>
        new(owner, owner + "-name", kind, JsonSerializer.SerializeToElement(new { dataset = "d", strategies = "all" }), "d", 1_000, 2_000, ["BTCUSDT"], 2);

    internal static PositionSnapshot Position(Guid strategy, long id, long entryMs, PositionStatus status, double? pnlR) => new()
    {
        PositionId = id,
        StrategyId = strategy,
        Symbol = "BTCUSDT",
        Direction = id % 2 == 0 ? TradeDirection.Long : TradeDirection.Short,
        Score = 81.5,
        Tier = "standard",
        Entry = 100_000.5,
        EntryTimeMs = entryMs,
        Sl = 99_000,
        Tp1 = 101_000,
        Tp2 = 102_000,
        Stop = 99_000,
        Atr = 150.25,
        RiskUsd = 200,
        Status = status,
        Tp1Hit = status == PositionStatus.Tp,
        Tp1TimeMs = status == PositionStatus.Tp ? entryMs + 60_000 : null,
        ExitPrice = status.IsOpen() ? null : 101_500,
        ExitTimeMs = status.IsOpen() ? null : entryMs + 120_000,
        GrossR = pnlR is { } r ? r + 0.05 : null,
        FeeR = pnlR is null ? null : 0.05,
        PnlR = pnlR,
        PnlUsdt = pnlR * 200,
    };

    internal static BacktestResult Result(bool cancelled = false)
    {
        var a = StrategyDefinition.CreateDefault("BTCUSDT") with { StrategyId = Guid.NewGuid(), DisplayName = "alpha" };
        var b = StrategyDefinition.CreateDefault("BTCUSDT") with { StrategyId = Guid.NewGuid(), DisplayName = "beta" };
        BacktestTrade[] trades =
        [
            new(Position(b.StrategyId, 2, 5_000, PositionStatus.Tp, 1.5), 10_300),
            new(Position(a.StrategyId, 1, 5_000, PositionStatus.Sl, -1), 9_800),
            new(Position(a.StrategyId, 3, 9_000, PositionStatus.Active, null), null),
        ];
        StrategyBacktestResult Stats(StrategyDefinition s) => new(s,
            PaperStatistics.Compute(trades.Where(t => t.Position.StrategyId == s.StrategyId && !t.Position.IsOpen)
                .Select(t => new ClosedTrade(s.StrategyId, "BTCUSDT", t.Position.Direction, t.Position.Score, t.Position.Status, t.Position.EntryTimeMs,
                    t.Position.ExitTimeMs!.Value, t.Position.PnlR!.Value, t.Position.PnlUsdt!.Value, t.Position.GrossR!.Value, t.Position.FeeR!.Value)), 20_000),
            [new EquityPoint(125_000, s == a ? -1 : 1.5, s == a ? 9_800 : 10_300)], 1440, 1,
            new Dictionary<string, int> { ["cooldown"] = 3, ["max_positions"] = 1 });
        return new BacktestResult([Stats(a), Stats(b)], trades, 2880, 1440, 123_456, 1.5, cancelled);
    }

    [Fact]
    public async Task ClaimNextAsync_TwoConcurrentClaims_EachRunClaimedOnce()
    {
        var first = await _store.EnqueueAsync(Run("a"), 5);
        var second = await _store.EnqueueAsync(Run("b"), 5);

        var claims = await Task.WhenAll(_store.ClaimNextAsync(), _store.ClaimNextAsync(), _store.ClaimNextAsync());

        var claimed = claims.Where(c => c is not null).Select(c => c!.Value.Run.RunId).Order().ToList();
        Assert.Equal(new[] { first, second }.Order(), claimed);
        Assert.All(claims.Where(c => c is not null), c => Assert.Equal(BacktestRunStatuses.Running, c!.Value.Run.Status));
        Assert.Equal("all", claims.First(c => c is not null)!.Value.Spec.GetProperty("strategies").GetString());
    }

    [Fact]
    public async Task EnqueueAsync_OwnerAtQueueCap_ThrowsAndStoresNothing()
    {
        await _store.EnqueueAsync(Run("capped"), 2);
        await _store.EnqueueAsync(Run("capped"), 2);

        var error = await Assert.ThrowsAsync<BacktestQueueFullException>(() => _store.EnqueueAsync(Run("capped"), 2));

        Assert.Equal(2, error.Queued);
        Assert.Contains("at most 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await _store.ListAsync()).Count(r => r.OwnerId == "capped"));
        // Another user is not affected by someone else's queue.
        await _store.EnqueueAsync(Run("other"), 2);
    }

    [Fact]
    public async Task SaveResultAsync_Result_ReadsBackStrategiesTradesAndStatistics()
    {
        var id = await _store.EnqueueAsync(Run("saver"), 5);
        var result = Result();

        await _store.SaveResultAsync(id, result, 2.5);

        var run = (await _store.FindAsync(id))!;
        Assert.Equal(BacktestRunStatuses.Succeeded, run.Status);
        Assert.Equal(3, run.TradeCount);
        Assert.Equal(2880, run.Evaluations);
        Assert.Equal(100, run.ProgressPct);
        Assert.Equal(2.5, run.DurationSeconds);
        var strategies = await _store.StrategiesAsync(id);
        Assert.Equal(["alpha", "beta"], strategies.Select(s => s.Name));
        Assert.Equal(1.5, strategies[1].NetR);
        Assert.Equal(3, strategies[0].SignalsRejected["cooldown"]);
        Assert.Equal(new EquityPoint(125_000, -1, 9_800), strategies[0].Equity.Single());
        var stats = BacktestStore.StatisticsOf(strategies[1]);
        Assert.Equal(1, stats.TradeCount);
        Assert.True(double.IsPositiveInfinity(stats.ProfitFactor));
        Assert.Equal(1, stats.ByStatus.Single(b => b.Key == "tp").Count);

        var page = await _store.TradesAsync(id, null, 1, 2);
        Assert.Equal(3, page.Total);
        Assert.Equal(2, page.Trades.Count);
        // Stored in entry time then strategy id order.
        var all = new List<StoredBacktestTrade>();
        await foreach (var t in _store.AllTradesAsync(id, null))
        {
            all.Add(t);
        }

        Assert.Equal([0, 1, 2], all.Select(t => t.Seq));
        Assert.Equal(all.OrderBy(t => t.EntryMs).ThenBy(t => t.StrategyId.ToString("D"), StringComparer.Ordinal).Select(t => t.PositionId), all.Select(t => t.PositionId));
        var open = all.Single(t => t.PositionId == 3);
        Assert.Null(open.ExitMs);
        Assert.Null(open.PnlR);
        Assert.Equal("active", open.Status);
        var tp = all.Single(t => t.PositionId == 2);
        Assert.Equal((101_500.0, 125_000L, 1.5, 300.0, 10_300.0, true), (tp.ExitPrice!.Value, tp.ExitMs!.Value, tp.PnlR!.Value, tp.PnlUsdt!.Value, tp.BalanceAfter!.Value, tp.Tp1Hit));
        Assert.Single((await _store.TradesAsync(id, strategies[1].StrategyId, 1, 50)).Trades);
    }

    [Fact]
    public async Task SaveResultAsync_CancelledResult_KeepsPartialResultsMarkedCancelled()
    {
        var id = await _store.EnqueueAsync(Run("partial"), 5);
        await _store.ClaimNextAsync();
        await _store.ProgressAsync(id, new BacktestProgress(42, 1_500, 10, 5, TimeSpan.FromSeconds(3)));

        await _store.SaveResultAsync(id, Result(cancelled: true), 1);

        var run = (await _store.FindAsync(id))!;
        Assert.Equal(BacktestRunStatuses.Cancelled, run.Status);
        Assert.Equal(42, run.ProgressPct);
        Assert.Equal(2, (await _store.StrategiesAsync(id)).Count);
        Assert.Equal(3, (await _store.TradesAsync(id, null, 1, 50)).Total);
    }

    [Fact]
    public async Task RequestCancelAsync_QueuedRun_CancelledAtOnceAndNeverClaimed()
    {
        var id = await _store.EnqueueAsync(Run("cq"), 5);

        Assert.Equal(BacktestRunStatuses.Cancelled, await _store.RequestCancelAsync(id));

        Assert.Null(await _store.ClaimNextAsync());
        Assert.Null(await _store.RequestCancelAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task ProgressAsync_CancelRequestedForRunningRun_ReturnsTrue()
    {
        var id = await _store.EnqueueAsync(Run("cr"), 5);
        await _store.ClaimNextAsync();
        Assert.False(await _store.ProgressAsync(id, new BacktestProgress(10, 1_100, 5, 1, null)));

        Assert.Equal(BacktestRunStatuses.Running, await _store.RequestCancelAsync(id));

        Assert.True(await _store.ProgressAsync(id, new BacktestProgress(20, 1_200, 9, 1, null)));
        Assert.True((await _store.FindAsync(id))!.CancelRequested);
    }

    [Fact]
    public async Task FailInterruptedAsync_RunningRuns_MarkedFailedWithReason()
    {
        var running = await _store.EnqueueAsync(Run("restart"), 5);
        await _store.ClaimNextAsync();
        var queued = await _store.EnqueueAsync(Run("restart"), 5);

        Assert.Equal(1, await _store.FailInterruptedAsync());

        var run = (await _store.FindAsync(running))!;
        Assert.Equal(BacktestRunStatuses.Failed, run.Status);
        Assert.Equal(BacktestRunStatuses.InterruptedByRestart, run.Error);
        Assert.Equal(BacktestRunStatuses.Queued, (await _store.FindAsync(queued))!.Status);
    }

    [Fact]
    public async Task DeleteAsync_FinishedRun_RemovesRunAndResults_RunningRunRefused()
    {
        var id = await _store.EnqueueAsync(Run("del"), 5);
        await _store.SaveResultAsync(id, Result(), 1);
        var running = await _store.EnqueueAsync(Run("del2"), 5);
        await _store.ClaimNextAsync();

        Assert.True(await _store.DeleteAsync(id));
        Assert.False(await _store.DeleteAsync(running));

        Assert.Null(await _store.FindAsync(id));
        Assert.Empty(await _store.StrategiesAsync(id));
        Assert.Equal(0, (await _store.TradesAsync(id, null, 1, 10)).Total);
        Assert.NotNull(await _store.FindAsync(running));
    }

    [Fact]
    public async Task ListAsync_Previews_HiddenUnlessAsked()
    {
        var preview = await _store.EnqueueAsync(Run("pv", BacktestRunKinds.Preview), 5);

        Assert.DoesNotContain(await _store.ListAsync(), r => r.RunId == preview);
        Assert.Contains(await _store.ListAsync(includePreviews: true), r => r.RunId == preview);
    }
}
