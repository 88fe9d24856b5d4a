using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Loop;

public class EngineLoopTests
{
    private static readonly EngineSettings Settings = new() { Symbols = ["BTCUSDT"], WarmupMs = 0 };

    private static readonly StrategyDefinition Strategy = StrategyDefinition.CreateDefault("BTCUSDT", "loop") with { StrategyId = Guid.NewGuid() };

    private static (EngineLoop Loop, List<EngineEvent> Events) NewLoop(IBroker? broker = null)
    {
        var events = new List<EngineEvent>();
        var loop = new EngineLoop(Settings, broker ?? new PaperBroker(new PaperSettings()), new DelegateEventSink(events.Add), new EngineLoopOptions { PriceIntervalMs = 0 });
        return (loop, events);
    }

    private static MarketEvent Trade(long id, long time, double price = 100) => MarketEvent.ForTrade("BTCUSDT", new AggTrade(id, time, price, 1, false));

    [Fact]
    public void EventTimeTicks_TickAtT_RunsAfterEveryEventUpToTAndBeforeTheNext()
    {
        EngineLoop? loop = null;
        var appliedAtTick = new List<long>();
        var events = new List<EngineEvent>();
        loop = new EngineLoop(Settings, new PaperSettings(), new DelegateEventSink(e =>
        {
            events.Add(e);
            if (e is TickCompleted)
            {
                appliedAtTick.Add(loop!.Engine.StateOf("BTCUSDT")!.AcceptedTrades);
            }
        }), new EngineLoopOptions { PriceIntervalMs = 0 });
        var ticks = new EventTimeTicks(loop, 15_000);

        ticks.OnEvent(Trade(1, 14_999));
        ticks.OnEvent(Trade(2, 15_000));
        Assert.DoesNotContain(events, e => e is TickCompleted);
        ticks.OnEvent(Trade(3, 15_001));

        var tick = Assert.Single(events.OfType<TickCompleted>());
        Assert.Equal(15_000, tick.TickMs);
        Assert.Equal([2L], appliedAtTick);                                        // trades 1 and 2 before the tick…
        Assert.Equal(3, loop.Engine.StateOf("BTCUSDT")!.AcceptedTrades);          // …trade 3 after it
    }

    [Fact]
    public void EventTimeTicks_Filter_RunsOnlyTheRecordedTicksAndSubmitsTheirCommands()
    {
        var (loop, events) = NewLoop();
        loop.Load([Strategy]);
        var paused = new SetStatusCommand(Guid.NewGuid(), Strategy.StrategyId, StrategyStatus.Paused);
        var ticks = new EventTimeTicks(loop, 15_000, shouldRun: t => t != 30_000, beforeTick: t =>
        {
            if (t == 45_000)
            {
                loop.Submit(paused);
            }
        });

        ticks.OnEvent(Trade(1, 1_000));
        ticks.AdvanceTo(60_000);

        Assert.Equal([15_000L, 45_000, 60_000], events.OfType<TickCompleted>().Select(t => t.TickMs));
        var applied = Assert.Single(events.OfType<CommandApplied>());
        Assert.Equal(45_000, applied.TickMs);
        Assert.Equal(StrategyStatus.Paused, loop.Engine.StrategyById(Strategy.StrategyId)!.Status);
    }

    [Fact]
    public void Tick_InvalidOrUnknownCommand_IsRejectedAndChangesNothing()
    {
        var (loop, events) = NewLoop();
        loop.Load([Strategy]);
        loop.Submit(new UpsertStrategyCommand(Guid.NewGuid(), Strategy with { EntryScore = 500 }));
        loop.Submit(new TopUpCommand(Guid.NewGuid(), Guid.NewGuid(), 100));
        loop.Submit(new TopUpCommand(Guid.NewGuid(), Strategy.StrategyId, double.NaN));

        loop.Tick(15_000);

        Assert.Equal(3, events.OfType<CommandRejected>().Count());
        Assert.Equal(Strategy, loop.Engine.StrategyById(Strategy.StrategyId));
        Assert.Equal(Strategy.InitialBalance, loop.Broker.AccountFor(Strategy).InitialBalance);
    }

    [Fact]
    public void Tick_CommandAlreadyLoadedAtSessionStart_IsNotAppliedTwice()
    {
        var (loop, events) = NewLoop();
        var topUp = new TopUpCommand(Guid.NewGuid(), Strategy.StrategyId, 250);
        var loaded = Strategy with { InitialBalance = Strategy.InitialBalance + 250, CurrentBalance = Strategy.CurrentBalance + 250 };
        loop.Load([loaded], [topUp.CommandId]); // the restart read the topped-up row and claimed the pending command

        loop.Submit(topUp); // the same command posted again by the process that stored it
        loop.Tick(15_000);

        Assert.DoesNotContain(events, e => e is CommandApplied);
        Assert.Equal(loaded.InitialBalance, loop.Broker.AccountFor(loaded).InitialBalance);
    }

    [Fact]
    public void Tick_RecordsTheFeaturesItReads_OnlyWhenChanged()
    {
        var (loop, events) = NewLoop();
        loop.Apply(MarketEvent.ForFeature("BTCUSDT", FeatureKey.FundingRate, 0.0001, 1_000));
        loop.Tick(15_000);
        loop.Tick(30_000);
        loop.Apply(MarketEvent.ForFeature("BTCUSDT", FeatureKey.FundingRate, 0.0002, 31_000));
        loop.Tick(45_000);

        var recorded = events.OfType<FeaturesRecorded>().ToList();
        Assert.Equal([15_000L, 45_000], recorded.Select(r => r.TickMs));
        Assert.Equal(new FeatureReading("BTCUSDT", FeatureKey.FundingRate, 0.0002, 31_000), Assert.Single(recorded[1].Readings));
    }

    private sealed class MemoryHistory(List<AggTrade> trades, List<FeatureReading> features) : ITradeHistory, IFeatureHistory
    {
        public Task<long> ReadAsync(string symbol, long fromMs, long toMs, long maxAggId, Action<AggTrade> visit, CancellationToken cancellationToken = default)
        {
            var selected = trades.Where(t => t.TimeMs >= fromMs && t.TimeMs < toMs && t.AggId <= maxAggId).ToList();
            selected.ForEach(visit);
            return Task.FromResult((long)selected.Count);
        }

        public Task<long?> EarliestTimeAsync(string symbol, CancellationToken cancellationToken = default) => Task.FromResult<long?>(trades.Min(t => t.TimeMs));

        public Task<AggTrade?> LastTradeAsync(string symbol, CancellationToken cancellationToken = default) => Task.FromResult<AggTrade?>(trades[^1]);

        public Task<IReadOnlyList<FeatureReading>> LatestAsync(IReadOnlyList<string> symbols, long atMs, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<FeatureReading>>([.. features.Where(f => f.TimeMs <= atMs).GroupBy(f => (f.Symbol, f.Key)).Select(g => g.MaxBy(f => f.TimeMs))]);

        public Task<long> ReadAsync(IReadOnlyList<string> symbols, long fromMs, long toMs, Action<FeatureReading> visit, CancellationToken cancellationToken = default) =>
            Task.FromResult(0L);
    }

    [Fact]
    public async Task WarmUp_RestoredPositionAfterTp1_OnlyLaterTradesActOnIt()
    {
        // Long from 100 at t=10 s, SL 90, TP1 hit by trade 5 at t=50 s: stop moved to the entry. Stored trades before
        // TP1 dip under the entry (they are before the TP1 and must not close it at break-even); trade 7 after it does.
        var broker = new PaperBroker(new PaperSettings());
        var (loop, events) = NewLoop(broker);
        loop.Load([Strategy]);
        var position = PaperPosition.Restore(new PaperPosition
        {
            PositionId = 1, StrategyId = Strategy.StrategyId, Symbol = "BTCUSDT", Tier = "standard", Direction = TradeDirection.Long,
            Entry = 100, EntryTimeMs = 10_000, Sl = 90, Tp1 = 110, Tp2 = 120, Rd = 10, Atr = 5, RiskUsd = 100, Tp1Ratio = 1, Tp2Ratio = 2, TimeoutMinutes = 600,
        }, tp1Hit: true, tp1TimeMs: 50_000, stop: 100, tp1AggId: 5);
        broker.Track(position);
        var stored = new List<AggTrade>
        {
            new(1, 5_000, 100, 1, false), new(2, 20_000, 99, 1, true), new(3, 30_000, 95, 1, true), new(4, 40_000, 105, 1, false),
            new(5, 50_000, 110, 1, false), new(6, 60_000, 104, 1, true), new(7, 70_000, 99.5, 1, true),
        };
        var history = new MemoryHistory(stored, [new FeatureReading("BTCUSDT", FeatureKey.ObiDepth10, 0.25, 65_000)]);

        loop.StartSession(Guid.NewGuid(), 80_000);
        var warm = await EngineBootstrap.WarmUpAsync(loop, history, history, 80_000, null, CancellationToken.None);

        var closed = Assert.Single(events.OfType<PositionClosed>()).Position;
        Assert.Equal((PositionStatus.SlBe, 100.0, 70_000L), (closed.Status, closed.ExitPrice!.Value, closed.ExitTimeMs!.Value));
        Assert.Equal(7, Assert.Single(warm).Trades);
        Assert.Equal(0.25, loop.Engine.StateOf("BTCUSDT")!.Features[FeatureKey.ObiDepth10]);
        Assert.Equal(65_000, loop.Engine.StateOf("BTCUSDT")!.Features.TimeOf(FeatureKey.ObiDepth10));
    }
}
