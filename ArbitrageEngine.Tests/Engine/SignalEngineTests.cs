using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;
using static ArbitrageEngine.Tests.Engine.TestData;

namespace ArbitrageEngine.Tests.Engine;

public class SignalEngineTests
{
    private sealed class Recorder : IEngineEventSink
    {
        public List<string> Events { get; } = [];

        public List<ScoreResult> Results { get; } = [];

        public void Publish(EngineEvent e)
        {
            switch (e)
            {
                case SnapshotTaken s:
                    Events.Add($"snapshot {s.Snapshot.Symbol}");
                    break;
                case EvaluationProduced r:
                    Results.Add(r.Result);
                    Events.Add($"result {r.Strategy.DisplayName} {r.Result.Signal?.Name()}");
                    break;
                case PositionOpened o:
                    Events.Add($"open {o.Position.StrategySnapshot!.DisplayName}");
                    break;
                case PositionClosed c:
                    Events.Add($"close {c.Position.StrategySnapshot!.DisplayName} {c.Position.Status.Name()}");
                    break;
            }
        }
    }

    /// <summary>A rising market: every trade a taker buy one tick higher, five-minute candles with range.</summary>
    private static void Trend(SignalEngine engine, long fromMs, long toMs, ref long id, ref double price)
    {
        for (var t = fromMs; t <= toMs; t += 1000)
        {
            price += (t / 1000 % 7) - 2.9; // drifts up with noise, keeps a 5-minute range
            engine.OnTrade("BTCUSDT", new AggTrade(id++, t, price, 0.5, false));
        }
    }

    private static (SignalEngine Engine, Recorder Events) NewEngine(params StrategyDefinition[] strategies)
    {
        var events = new Recorder();
        var engine = new SignalEngine(Settings("BTCUSDT") with { WarmupMs = 3_600_000 }, new PaperSettings(), events);
        foreach (var s in strategies)
        {
            engine.UpsertStrategy(s);
        }

        return (engine, events);
    }

    private static StrategyDefinition Strategy(string name) => StrategyDefinition.CreateDefault("BTCUSDT", name) with
    {
        StrategyId = Guid.NewGuid(),
        GateVolEnabled = false,
        GateWhaleEnabled = false,
        EntryScore = 60,
        FlipThreshold = 95,
    };

    [Fact]
    public void Tick_RunningStrategies_SnapshotThenResultThenOpen_InCreationOrder()
    {
        var (engine, events) = NewEngine(Strategy("a"), Strategy("b"));
        long id = 1;
        var price = 60_000.0;
        Trend(engine, 0, 2 * 3_600_000, ref id, ref price);

        engine.Tick(2 * 3_600_000);

        Assert.Equal(["snapshot BTCUSDT", "result a LONG", "open a", "result b LONG", "open b"], events.Events);
    }

    [Fact]
    public void Tick_PausedStrategy_IsNotScoredButItsPositionStillExits()
    {
        var a = Strategy("a");
        var (engine, events) = NewEngine(a);
        long id = 1;
        var price = 60_000.0;
        Trend(engine, 0, 2 * 3_600_000, ref id, ref price);
        engine.Tick(2 * 3_600_000);
        var position = engine.Broker.ActiveFor(a.StrategyId)!;

        engine.UpsertStrategy(a with { Status = StrategyStatus.Paused });
        events.Events.Clear();
        engine.Tick((2 * 3_600_000) + 15_000);
        engine.OnTrade("BTCUSDT", new AggTrade(id, (2 * 3_600_000) + 16_000, position.Sl - 1, 1, true));

        Assert.Equal(["snapshot BTCUSDT", "close a sl"], events.Events);
    }

    [Fact]
    public void Tick_EditedStrategy_ChangesTheNextResult()
    {
        var a = Strategy("a");
        var (engine, events) = NewEngine(a);
        long id = 1;
        var price = 60_000.0;
        Trend(engine, 0, 2 * 3_600_000, ref id, ref price);
        engine.Tick(2 * 3_600_000);

        engine.UpsertStrategy(a with { DisplayName = "a2", WeightDirection = 10, WeightEnv = 60, WeightAux = 10, WeightMomentum = 20 });
        engine.Tick((2 * 3_600_000) + 15_000);

        Assert.NotEqual(events.Results[0].Layers!.Direction.Max, events.Results[1].Layers!.Direction.Max);
        Assert.Equal(30 * 55 / 80.0, events.Results[1].Layers!.Direction.Max, 12);
    }

    [Fact]
    public void Tick_Cooldown_SecondSignalWithinTenMinutesSuppressed()
    {
        var a = Strategy("a");
        var (engine, events) = NewEngine(a);
        long id = 1;
        var price = 60_000.0;
        Trend(engine, 0, 2 * 3_600_000, ref id, ref price);

        engine.Tick(2 * 3_600_000);
        Trend(engine, (2 * 3_600_000) + 1000, (2 * 3_600_000) + 15_000, ref id, ref price);
        engine.Tick((2 * 3_600_000) + 15_000);

        Assert.Equal(TradeDirection.Long, events.Results[0].Signal);
        Assert.Null(events.Results[1].Signal);
        Assert.Equal(2 * 3_600_000, engine.LastSignals[a.StrategyId]);
    }

    [Fact]
    public void Tick_BackInTime_Throws()
    {
        var (engine, _) = NewEngine();
        engine.Tick(30_000);

        Assert.Throws<InvalidOperationException>(() => engine.Tick(15_000));
    }

    [Fact]
    public void OnFeature_OutOfRange_IsCountedAndIgnored()
    {
        var (engine, _) = NewEngine();

        Assert.False(engine.OnFeature("BTCUSDT", FeatureKey.TopTraderPosition, 1.7, 1));
        Assert.False(engine.OnFeature("BTCUSDT", FeatureKey.FundingRate, double.NaN, 1));
        Assert.Equal(2, engine.RejectedFeatures);
        Assert.Null(engine.StateOf("BTCUSDT")!.Features[FeatureKey.TopTraderPosition]);
    }

    [Fact]
    public void OnTrade_UnknownSymbol_IsRejected()
    {
        var (engine, _) = NewEngine();

        Assert.Equal(TradeAcceptance.Invalid, engine.OnTrade("DOGEUSDT", new AggTrade(1, 1, 1, 1, false)));
        Assert.Equal(1, engine.UnknownSymbolEvents);
    }
}
