using System.Diagnostics;
using ArbitrageEngine.Engine.Conformance;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.State;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Engine.Performance;

/// <summary>
/// The engine's performance scenarios (issue: engine core), shared by the <c>perf</c> CLI verb and the
/// BenchmarkDotNet project so both measure the same thing.
/// </summary>
public static class EnginePerf
{
    public const long DayMs = 86_400_000;
    public const double FullDayTrades = 1_500_000;
    public static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT", "XRPUSDT", "SOLUSDT"];

    public static SyntheticTrades Flow(string symbol, long startMs, double tradesPerDay = FullDayTrades) => symbol switch
    {
        "BTCUSDT" => new SyntheticTrades(60_000, 0.1, 0.01, startMs, tradesPerDay, 11),
        "ETHUSDT" => new SyntheticTrades(3_000, 0.01, 0.2, startMs, tradesPerDay, 23),
        "XRPUSDT" => new SyntheticTrades(0.6, 0.0001, 500, startMs, tradesPerDay, 37),
        _ => new SyntheticTrades(150, 0.01, 2, startMs, tradesPerDay, 41),
    };

    /// <summary>Fills <paramref name="engine"/>'s symbols with a full 24 h window each; returns the flows to continue from.</summary>
    public static Dictionary<string, SyntheticTrades> FillDay(SignalEngine engine, long startMs, double tradesPerDay = FullDayTrades)
    {
        var flows = new Dictionary<string, SyntheticTrades>(StringComparer.Ordinal);
        var buffer = new AggTrade[65_536];
        foreach (var state in engine.States)
        {
            var flow = Flow(state.Symbol, startMs, tradesPerDay);
            flows[state.Symbol] = flow;
            while (flow.CurrentTimeMs < startMs + DayMs)
            {
                flow.Fill(buffer);
                foreach (ref readonly var t in buffer.AsSpan())
                {
                    engine.OnTrade(state.Symbol, t);
                }
            }
        }

        return flows;
    }

    /// <summary>
    /// Trades per second applied to one symbol's state holding a full 24 h window (single thread): the median of
    /// 1 Mi-trade batches after one untimed warm-up batch, so JIT tiering and one-off stalls do not skew it.
    /// </summary>
    public static double TradeUpdatePerSecond(int measuredTrades)
    {
        var settings = new EngineSettings { Symbols = ["BTCUSDT"] };
        var state = new SymbolState("BTCUSDT", settings);
        var flow = Flow("BTCUSDT", 0);
        var buffer = new AggTrade[1 << 20];
        while (flow.CurrentTimeMs < DayMs)
        {
            flow.Fill(buffer);
            ApplyAll(state, buffer);
        }

        flow.Fill(buffer);
        ApplyAll(state, buffer); // warm-up batch, untimed

        var rates = new List<double>();
        for (var done = 0; done < measuredTrades; done += buffer.Length)
        {
            flow.Fill(buffer);
            var sw = Stopwatch.StartNew();
            ApplyAll(state, buffer);
            rates.Add(buffer.Length / sw.Elapsed.TotalSeconds);
        }

        rates.Sort();
        return rates[rates.Count / 2];
    }

    private static void ApplyAll(SymbolState state, AggTrade[] trades)
    {
        foreach (ref readonly var t in trades.AsSpan())
        {
            state.Apply(t);
        }
    }

    /// <summary>An engine with 4 symbols holding full 24 h windows and <paramref name="strategyCount"/> strategies.</summary>
    /// <param name="tradesPerDay">Trades per symbol and day (the backtest scenario of backtest.md runs 2 per second: 172,800).</param>
    public static (SignalEngine Engine, Dictionary<string, SyntheticTrades> Flows, long NowMs) BuildTickScenario(int strategyCount, double tradesPerDay = FullDayTrades)
    {
        var engine = new SignalEngine(new EngineSettings { Symbols = Symbols }, new PaperSettings());
        var flows = FillDay(engine, 0, tradesPerDay);
        foreach (var s in ManyStrategies(strategyCount))
        {
            engine.UpsertStrategy(s);
        }

        var now = flows.Values.Max(f => f.CurrentTimeMs) / 15_000 * 15_000 + 15_000;
        return (engine, flows, now);
    }

    /// <summary>
    /// Median and p99 milliseconds of <paramref name="ticks"/> ticks, with 15 s of trades between ticks, after a warm-up
    /// that lasts until the JIT has settled: no method compiled during the last 20 ticks (at least 3, at most 2,000
    /// ticks). Tiered compilation promotes methods in the background, late on a loaded machine, and first-time paths
    /// (the first flip close, the first full large-trade rescan) compile once per process; both are start-up costs, not
    /// what a tick costs in a running engine.
    /// </summary>
    public static (double MedianMs, double P99Ms) MeasureTicks(SignalEngine engine, Dictionary<string, SyntheticTrades> flows, long nowMs, int ticks)
    {
        var (settled, compiled) = (0, System.Runtime.JitInfo.GetCompiledMethodCount());
        for (var warmup = 0; warmup < 2_000 && (warmup < 3 || settled < 20); warmup++)
        {
            AdvanceTo(engine, flows, nowMs);
            engine.Tick(nowMs);
            nowMs += 15_000;
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            (settled, compiled) = (now == compiled ? settled + 1 : 0, now);
        }

        var durations = new List<double>(ticks);
        for (var i = 0; i < ticks; i++)
        {
            AdvanceTo(engine, flows, nowMs);
            var sw = Stopwatch.StartNew();
            engine.Tick(nowMs);
            durations.Add(sw.Elapsed.TotalMilliseconds);
            nowMs += 15_000;
        }

        durations.Sort();
        return (durations[durations.Count / 2], durations[Math.Min(durations.Count - 1, (int)(durations.Count * 0.99))]);
    }

    /// <summary>Applies every trade of <paramref name="flows"/> up to <paramref name="nowMs"/> (all trades ≤ tick before the tick).</summary>
    public static void AdvanceTo(SignalEngine engine, Dictionary<string, SyntheticTrades> flows, long nowMs)
    {
        foreach (var (symbol, flow) in flows)
        {
            while (flow.CurrentTimeMs <= nowMs)
            {
                engine.OnTrade(symbol, flow.Next());
            }
        }
    }

    /// <summary>A deterministic mix of strategies over every symbol, window pair and TP profile.</summary>
    public static IEnumerable<StrategyDefinition> ManyStrategies(int count)
    {
        (CvdWindow, CvdWindow)[] pairs =
        [
            (CvdWindow.M5, CvdWindow.M30), (CvdWindow.M5, CvdWindow.H1), (CvdWindow.M15, CvdWindow.H1),
            (CvdWindow.M15, CvdWindow.H4), (CvdWindow.M30, CvdWindow.H1), (CvdWindow.M30, CvdWindow.H4),
        ];
        for (var i = 0; i < count; i++)
        {
            var symbol = Symbols[i % Symbols.Length];
            var (fast, slow) = pairs[(i / Symbols.Length) % pairs.Length];
            yield return StrategyDefinition.CreateDefault(symbol, $"perf-{i}") with
            {
                StrategyId = new Guid(i + 1, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]),
                CvdFastWindow = fast,
                CvdSlowWindow = slow,
                EntryScore = 60 + (i % 30),
                FlipThreshold = 70 + (i % 25),
                Tp1Ratio = 0.75 + (i % 3 * 0.25),
                Tp2Ratio = 1.5 + (i % 3 * 0.5),
            };
        }
    }

    /// <summary>Seconds to replay a parsed golden stream end to end (expectations serialised to a null stream); median of runs.</summary>
    public static double ReplaySeconds(GoldenStream stream, int runs, bool writeExpectations = true)
    {
        var times = new List<double>();
        for (var i = 0; i < runs + 1; i++)
        {
            var sw = Stopwatch.StartNew();
            if (writeExpectations)
            {
                GoldenRunner.Run(stream, Stream.Null);
            }
            else
            {
                GoldenRunner.Replay(stream, NullEventSink.Instance);
            }

            if (i > 0)
            {
                times.Add(sw.Elapsed.TotalSeconds);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>Managed bytes per trade held by a BTC state with a full 24 h window (whole state, measured by the GC).</summary>
    public static (double BytesPerTrade, long Trades) BytesPerWindowedTrade()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var state = new SymbolState("BTCUSDT", new EngineSettings { Symbols = ["BTCUSDT"] });
        var flow = Flow("BTCUSDT", 0);
        var buffer = new AggTrade[4096];
        while (flow.CurrentTimeMs < DayMs + 3_600_000)
        {
            flow.Fill(buffer);
            foreach (ref readonly var t in buffer.AsSpan())
            {
                state.Apply(t);
            }
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var trades = state.WindowTradeCount;
        GC.KeepAlive(state);
        GC.KeepAlive(buffer);
        return ((after - before) / (double)trades, trades);
    }
}
