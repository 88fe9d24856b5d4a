using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Conformance;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Backtest;

/// <summary>Recorded commands through the runner: via the journal (ParityReplay) and as a list, with the same outcome.</summary>
public class BacktestParityModeTests
{
    private static readonly long[] Ticks = [.. GoldenEvents.Golden.Inputs.OfType<TickInput>().Select(t => t.TimeMs)];

    /// <summary>Pause the first strategy at the 400th tick, top up the second at the 500th.</summary>
    private static IReadOnlyList<CommandRecord> Commands()
    {
        var s = GoldenEvents.Strategies;
        return
        [
            new CommandRecord(1, new SetStatusCommand(Guid.NewGuid(), s[0].StrategyId, StrategyStatus.Paused), Ticks[400], null, null),
            new CommandRecord(2, new TopUpCommand(Guid.NewGuid(), s[1].StrategyId, 5_000), Ticks[500], null, null),
        ];
    }

    private static BacktestRequest Request(IReadOnlyList<CommandRecord>? commands, bool journal) =>
        GoldenEvents.Request() with { RecordedCommands = journal ? null : commands, ReplayRecordedCommands = journal };

    [Fact]
    public async Task RunAsync_JournalAndCommandList_SameTradesAndCommandsTookEffect()
    {
        var commands = Commands();
        var reader = GoldenEvents.Reader(GoldenEvents.Events);
        var journal = new FakeJournal(GoldenEvents.FromMs, GoldenEvents.Strategies, Ticks, commands);
        var parity = new ParitySources(journal, new EmptyTrades(), new EmptyFeatures());

        var viaJournal = await new BacktestRunner(GoldenEvents.Golden.Engine, reader, parity).RunAsync(Request(commands, journal: true), null, CancellationToken.None);
        var viaList = await new BacktestRunner(GoldenEvents.Golden.Engine, reader).RunAsync(Request(commands, journal: false), null, CancellationToken.None);
        var without = await new BacktestRunner(GoldenEvents.Golden.Engine, reader).RunAsync(Request(null, journal: false), null, CancellationToken.None);

        static string Key(BacktestTrade t) => FormattableString.Invariant($"{t.Position.StrategyId} {t.Position.EntryTimeMs} {t.Position.ExitTimeMs} {t.Position.PnlUsdt:R} {t.BalanceAfter:R}");
        Assert.Equal(viaList.Trades.Select(Key), viaJournal.Trades.Select(Key));
        Assert.NotEqual(without.Trades.Select(Key), viaList.Trades.Select(Key));

        var paused = GoldenEvents.Strategies[0].StrategyId;
        Assert.DoesNotContain(viaList.Trades, t => t.Position.StrategyId == paused && t.Position.EntryTimeMs >= Ticks[400]);
        Assert.Contains(without.Trades, t => t.Position.StrategyId == paused && t.Position.EntryTimeMs >= Ticks[400]);
        Assert.True(viaList.Strategies[0].Evaluations < without.Strategies[0].Evaluations);
    }

    private sealed class FakeJournal(long startedMs, IReadOnlyList<StrategyDefinition> strategies, IReadOnlyList<long> ticks, IReadOnlyList<CommandRecord> commands) : IEngineJournalReader
    {
        public Task<IReadOnlyList<SessionRecord>> SessionsAsync(long fromMs, long toMs, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<SessionRecord>>([new SessionRecord(Guid.NewGuid(), startedMs, [], strategies, [])]);

        public Task<IReadOnlyList<long>> TicksAsync(long fromMs, long toMs, CancellationToken cancellationToken = default) => Task.FromResult(ticks);

        public Task<IReadOnlyList<CommandRecord>> CommandsAsync(long fromMs, long toMs, IReadOnlyCollection<Guid> sessions, CancellationToken cancellationToken = default) =>
            Task.FromResult(commands);
    }

    private sealed class EmptyTrades : ITradeHistory
    {
        public Task<long> ReadAsync(string symbol, long fromMs, long toMs, long maxAggId, Action<AggTrade> visit, CancellationToken cancellationToken = default) => Task.FromResult(0L);

        public Task<long?> EarliestTimeAsync(string symbol, CancellationToken cancellationToken = default) => Task.FromResult<long?>(null);

        public Task<AggTrade?> LastTradeAsync(string symbol, CancellationToken cancellationToken = default) => Task.FromResult<AggTrade?>(null);
    }

    private sealed class EmptyFeatures : IFeatureHistory
    {
        public Task<IReadOnlyList<FeatureReading>> LatestAsync(IReadOnlyList<string> symbols, long atMs, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<FeatureReading>>([]);

        public Task<long> ReadAsync(IReadOnlyList<string> symbols, long fromMs, long toMs, Action<FeatureReading> visit, CancellationToken cancellationToken = default) => Task.FromResult(0L);
    }
}
