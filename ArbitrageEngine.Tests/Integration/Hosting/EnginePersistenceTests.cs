using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Persistence.Engine;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Tests.Infrastructure;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ArbitrageEngine.Tests.Integration.Hosting;

[Collection(PostgresCollection.Name)]
public sealed class EnginePersistenceTests(PostgresFixture postgres)
{
    private static readonly StrategyDefinition Strategy = StrategyDefinition.CreateDefault("BTCUSDT", "p") with { StrategyId = Guid.NewGuid() };

    private static void Tick(EnginePersistence sink, long tickMs)
    {
        sink.Publish(new TickStarted(tickMs));
        sink.Publish(new EvaluationProduced(new ScoreResult { StrategyId = Strategy.StrategyId, Symbol = "BTCUSDT", TimeMs = tickMs, Score = 50 }, Strategy));
        sink.Publish(new TickCompleted(tickMs, 1, 1));
    }

    [Fact]
    public async Task RunAsync_WriteKeepsFailing_GoesToDeadLetterAndLaterWritesProceed()
    {
        var cs = await postgres.CreateMigratedDatabaseAsync("deadletter");
        await using var db = NpgsqlDataSource.Create(cs);
        var sink = new EnginePersistence(new PaperTradeStore(db), new EngineJournal(db), () => 0, () => 0, NullLogger<EnginePersistence>.Instance);
        sink.StartSession(Guid.NewGuid(), new Dictionary<Guid, long>());

        Tick(sink, 15_000);
        Tick(sink, 15_000); // same strategy and tick again: the evaluation's primary key refuses it, every time
        Tick(sink, 30_000);
        using var stop = new CancellationTokenSource();
        var run = sink.RunAsync(stop.Token);
        await SimulatedApp.Until(() => Task.FromResult(sink.Pending == 0), "the queue to drain", 60);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        Assert.Equal(1, sink.DeadLettered);
        await using (var dead = db.CreateCommand("SELECT kind, attempts, error FROM persistence_dead_letters"))
        await using (var r = await dead.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal("tick", r.GetString(0));
            Assert.Equal(EnginePersistence.MaxAttempts, r.GetInt32(1));
            Assert.Contains("signal_evaluations", r.GetString(2), StringComparison.Ordinal);
        }

        await using var count = db.CreateCommand("SELECT count(*) FROM signal_evaluations");
        Assert.Equal(2L, await count.ExecuteScalarAsync()); // the first tick and the one after the poisoned write
    }
}
