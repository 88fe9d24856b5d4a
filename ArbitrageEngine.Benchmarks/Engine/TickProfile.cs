using System.Diagnostics;
using System.Globalization;
using ArbitrageEngine.Engine.Performance;
using ArbitrageEngine.Engine.Scoring;

namespace ArbitrageEngine.Benchmarks.Engine;

/// <summary>Scratch: per-phase timing of ticks.</summary>
public static class TickProfile
{
    public static int Run(string[] args)
    {
        var ticks = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        var (engine, flows, now) = EnginePerf.BuildTickScenario(1000);
        var rows = new List<(double Total, double Snap0, double Snap1, double Snap2, double Snap3, double Score, long Alloc, int Gc)>();
        for (var i = 0; i < ticks; i++)
        {
            foreach (var (symbol, flow) in flows)
            {
                while (flow.CurrentTimeMs <= now)
                {
                    engine.OnTrade(symbol, flow.Next());
                }
            }

            var gc = GC.CollectionCount(0);
            var alloc = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            if (args.Contains("engine"))
            {
                engine.Tick(now);
                rows.Add((sw.Elapsed.TotalMilliseconds, 0, 0, 0, 0, 0, GC.GetAllocatedBytesForCurrentThread() - alloc, GC.CollectionCount(0) - gc));
                if (sw.Elapsed.TotalMilliseconds > 3) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slow tick {i}: {sw.Elapsed.TotalMilliseconds:0.000} gc={GC.CollectionCount(0) - gc}"));
                now += 15_000;
                continue;
            }

            var snaps = new double[4];
            var snapshots = new ArbitrageEngine.Engine.State.MarketSnapshot[4];
            for (var s = 0; s < 4; s++)
            {
                var t0 = sw.Elapsed.TotalMilliseconds;
                snapshots[s] = engine.States[s].Snapshot(now, engine.Settings.WarmupMs);
                snaps[s] = sw.Elapsed.TotalMilliseconds - t0;
            }

            var t1 = sw.Elapsed.TotalMilliseconds;
            var ph = ArbitrageEngine.Engine.State.SymbolState.Phase;
            if (i > 0 && t1 > 1.5) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tick {i} snapshot {t1:0.000}: evict={ph[0]:0.000} whale/atr={ph[1]:0.000} pct={ph[2]:0.000} large={ph[3]:0.000} misc={ph[4]:0.000} large#={snapshots[2].LargeTrades.Count}"));
            Array.Clear(ph);
            double sum = 0;
            foreach (var st in engine.Strategies)
            {
                var snap = snapshots[Array.IndexOf(EnginePerf.Symbols, st.Symbol)];
                sum += Scorer.Score(st, snap).Score;
            }

            var score = sw.Elapsed.TotalMilliseconds - t1;
            rows.Add((sw.Elapsed.TotalMilliseconds, snaps[0], snaps[1], snaps[2], snaps[3], score, GC.GetAllocatedBytesForCurrentThread() - alloc, GC.CollectionCount(0) - gc));
            now += 15_000;
        }

        foreach (var r in rows.OrderByDescending(r => r.Total).Take(15))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total={r.Total:0.000} snaps={r.Snap0:0.000}/{r.Snap1:0.000}/{r.Snap2:0.000}/{r.Snap3:0.000} score={r.Score:0.000} alloc={r.Alloc} gc={r.Gc}"));
        }

        var sorted = rows.Select(r => r.Total).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median={sorted[sorted.Count / 2]:0.000} p99={sorted[(int)(sorted.Count * 0.99)]:0.000} medianScore={rows.Select(r => r.Score).Order().ElementAt(rows.Count / 2):0.000} medianAlloc={rows.Select(r => r.Alloc).Order().ElementAt(rows.Count / 2)}"));
        return 0;
    }
}
