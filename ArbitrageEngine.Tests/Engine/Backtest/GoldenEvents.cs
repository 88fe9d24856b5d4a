using System.Runtime.CompilerServices;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Conformance;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Replay;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Tests.Engine.Backtest;

/// <summary>The public golden stream as backtest input: its market events, strategies, range, and the trades the conformance replay makes.</summary>
internal static class GoldenEvents
{
    private static readonly Lazy<GoldenStream> Stream = new(() => GoldenStream.Load(TestData.GoldenPath("public-6h.jsonl.gz")));

    public static GoldenStream Golden => Stream.Value;

    public static IReadOnlyList<StrategyDefinition> Strategies => [.. Golden.Inputs.OfType<StrategyInput>().Select(s => s.Strategy)];

    public static IReadOnlyList<MarketEvent> Events =>
    [
        .. Golden.Inputs.Select(i => i switch
        {
            TradeInput t => MarketEvent.ForTrade(t.Symbol, t.Trade),
            FeatureInput f => MarketEvent.ForFeature(f.Symbol, f.Key, f.Value, f.TimeMs),
            _ => (MarketEvent?)null,
        }).OfType<MarketEvent>(),
    ];

    /// <summary>The stream's start: its first market event (the config's start_ms).</summary>
    public static long FromMs => Events[0].TimeMs;

    /// <summary>Just after the stream's last tick.</summary>
    public static long ToMs => Golden.Inputs.OfType<TickInput>().Last().TimeMs + 1;

    /// <summary>A backtest of every strategy of the stream over its whole range, no warm-up (as the conformance replay).</summary>
    public static BacktestRequest Request(long? toMs = null) => new()
    {
        Strategies = Strategies,
        Symbols = Golden.Engine.Symbols,
        Dataset = new DatasetInfo(7, "golden", DatasetKinds.Import, null, DateTimeOffset.UnixEpoch),
        FromMs = FromMs,
        ToMs = toMs ?? ToMs,
        WarmupMs = 0,
        Paper = Golden.Paper,
    };

    /// <summary>An in-memory <see cref="MarketEventReader"/> over <paramref name="events"/>; optionally waits once it reached <paramref name="pauseAtMs"/>.</summary>
    public static MarketEventReader Reader(IReadOnlyList<MarketEvent> events, Func<long, Task>? onEvent = null) =>
        (symbols, from, to, ct) => Read(events, symbols, from, to, onEvent, ct);

    private static async IAsyncEnumerable<MarketEvent> Read(
        IReadOnlyList<MarketEvent> events, IReadOnlyList<string> symbols, long from, long to, Func<long, Task>? onEvent, [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var e in events)
        {
            ct.ThrowIfCancellationRequested();
            if (e.TimeMs >= from && e.TimeMs < to && symbols.Contains(e.Symbol))
            {
                if (onEvent is not null)
                {
                    await onEvent(e.TimeMs);
                }

                yield return e;
            }
        }
    }

    /// <summary>The closed and open paper trades of the conformance replay (GoldenRunner), in open order.</summary>
    public static IReadOnlyList<PositionSnapshot> ConformanceTrades()
    {
        var byId = new Dictionary<long, PositionSnapshot>();
        var order = new List<long>();
        GoldenRunner.Replay(Golden, new DelegateEventSink(e =>
        {
            switch (e)
            {
                case PositionOpened o:
                    byId[o.Position.PositionId] = o.Position;
                    order.Add(o.Position.PositionId);
                    break;
                case Tp1Hit t:
                    byId[t.Position.PositionId] = t.Position;
                    break;
                case PositionClosed c:
                    byId[c.Position.PositionId] = c.Position;
                    break;
            }
        }));
        return [.. order.Select(id => byId[id])];
    }
}
