using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Persistence.Entities;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Paper;

[Collection(PostgresCollection.Name)]
public sealed class PaperTradeStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private string _connectionString = null!;
    private NpgsqlDataSource _dataSource = null!;
    private PaperTradeStore _store = null!;
    private readonly StrategyDefinition _strategy = StrategyDefinition.CreateDefault("BTCUSDT", "persisted") with
    {
        StrategyId = Guid.NewGuid(),
        SlAtrMultiplier = 2,
        Tp1Ratio = 1,
        Tp2Ratio = 2,
    };

    public async Task InitializeAsync()
    {
        _connectionString = await postgres.CreateMigratedDatabaseAsync("paper");
        _dataSource = NpgsqlDataSource.Create(_connectionString);
        _store = new PaperTradeStore(_dataSource);
        await using var db = PostgresFixture.CreateContext(_connectionString);
        var row = new StrategyRow { StrategyId = _strategy.StrategyId, DisplayName = _strategy.DisplayName };
        StrategyRowMapper.ApplyTo(_strategy, row, includeBalances: true);
        db.Strategies.Add(row);
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    private PaperPosition OpenPosition(PaperBroker broker, long entryMs = 1_000)
    {
        var result = new ScoreResult { StrategyId = _strategy.StrategyId, Symbol = "BTCUSDT", TimeMs = entryMs, Score = 82, Price = 1_000, Atr = 10 };
        return broker.Open(_strategy, result, TradeDirection.Long, "heavy", out _)!;
    }

    private async Task<decimal> CurrentBalance()
    {
        await using var db = PostgresFixture.CreateContext(_connectionString);
        return (await db.Strategies.AsNoTracking().SingleAsync(s => s.StrategyId == _strategy.StrategyId)).CurrentBalance;
    }

    [Fact]
    public async Task CloseAsync_ConcurrentAttempts_ClosesOnceAndCreditsOnce()
    {
        var broker = new PaperBroker(new PaperSettings());
        broker.AccountFor(_strategy);
        var position = OpenPosition(broker);
        await _store.InsertOpenAsync(position);
        broker.Close(position, PositionStatus.Sl, position.Sl, 5_000);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _store.CloseAsync(position, expectedVersion: 0))));

        Assert.Single(attempts, ok => ok);
        Assert.Equal(10_000m + (decimal)position.PnlUsdt!.Value, await CurrentBalance());
        var closed = await _store.ClosedTradesAsync(_strategy.StrategyId);
        Assert.Single(closed);
        Assert.Equal(PositionStatus.Sl, closed[0].Status);
    }

    [Fact]
    public async Task CloseAsync_StaleVersionAfterTp1_IsRefused()
    {
        var broker = new PaperBroker(new PaperSettings());
        broker.AccountFor(_strategy);
        var position = OpenPosition(broker);
        await _store.InsertOpenAsync(position);
        broker.OnTrade("BTCUSDT", new AggTrade(1, 2_000, 1_021, 1, false)); // TP1: the stored row moves to version 1
        await _store.MarkTp1Async(position);
        broker.Close(position, PositionStatus.SignalFlip, 1_010, 3_000);

        Assert.False(await _store.CloseAsync(position, expectedVersion: 0));
        Assert.True(await _store.CloseAsync(position, expectedVersion: 1));
    }

    [Fact]
    public async Task LoadOpenAsync_AfterRestart_PositionResumesAndMissedStopIsAppliedAtLevel()
    {
        // First run: a position opens and is stored, then the process dies.
        var first = new PaperBroker(new PaperSettings());
        first.AccountFor(_strategy);
        var position = OpenPosition(first, entryMs: 10_000);
        await _store.InsertOpenAsync(position);

        // Restart: a new engine loads the open position; replayed trades before entry must not touch it,
        // the stored trade that crossed the stop while the app was down closes it at the stop, with its time.
        var closes = new List<PositionSnapshot>();
        var engine = new SignalEngine(new EngineSettings { Symbols = ["BTCUSDT"] }, new PaperSettings(), new DelegateEventSink(e =>
        {
            if (e is PositionClosed c)
            {
                closes.Add(c.Position);
            }
        }));
        engine.UpsertStrategy(_strategy);
        foreach (var (stored, _) in await _store.LoadOpenAsync())
        {
            engine.Broker.Track(stored);
        }

        engine.OnTrade("BTCUSDT", new(1, 9_000, 900, 1, true));     // before entry: ignored
        engine.OnTrade("BTCUSDT", new(2, 20_000, 1_005, 1, false));
        engine.OnTrade("BTCUSDT", new(3, 30_000, 950, 1, true));    // gaps through the 980 stop

        var closed = Assert.Single(closes);
        Assert.Equal(PositionStatus.Sl, closed.Status);
        Assert.Equal(980, closed.ExitPrice);
        Assert.Equal(30_000, closed.ExitTimeMs);
        Assert.True(await _store.CloseAsync(closed));
        Assert.Empty(await _store.LoadOpenAsync());
    }

    [Fact]
    public async Task SaveEngineStateAsync_LastSignals_RoundTrip()
    {
        await _store.SaveEngineStateAsync([(_strategy.StrategyId, 123_000L, 135_000L)]);
        await _store.SaveEngineStateAsync([(_strategy.StrategyId, 150_000L, 150_000L)]);

        Assert.Equal(150_000, (await _store.LoadLastSignalsAsync())[_strategy.StrategyId]);
    }

    [Fact]
    public async Task DeleteEvaluationsBeforeAsync_RetentionCutoff_KeepsNewerRows()
    {
        ScoreResult At(long ts) => new() { StrategyId = _strategy.StrategyId, Symbol = "BTCUSDT", TimeMs = ts };
        await _store.WriteEvaluationsAsync([At(1_000), At(2_000), At(3_000)]);

        Assert.Equal(2, await _store.DeleteEvaluationsBeforeAsync(3_000));
        await using var cmd = _dataSource.CreateCommand("SELECT ts FROM signal_evaluations");
        Assert.Equal(3_000L, await cmd.ExecuteScalarAsync());
    }
}
