using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ArbitrageEngine.Engine.Performance;

namespace ArbitrageEngine.Benchmarks.Engine;

/// <summary>
/// <c>tick-profile [--strategies 1000] [--ticks 300] [--warmup 3] [--trades-per-day 1500000] [--list] [--score-only]</c>: per-tick wall time, thread CPU time (Linux), managed
/// bytes allocated and gen0 collections of <c>SignalEngine.Tick</c> in the <c>perf</c> tick scenario. On a shared
/// 2-core machine wall-time percentiles mostly measure the neighbours; thread CPU time and allocation counts show
/// what the tick itself costs, and comparing the two tells preemption from work.
/// </summary>
public static class TickProfile
{
    public static int Run(string[] args)
    {
        int Arg(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        var strategies = Arg("--strategies", 1000);
        var ticks = Arg("--ticks", 300);
        var warmup = Arg("--warmup", 3);
        var tradesPerDay = Arg("--trades-per-day", (int)EnginePerf.FullDayTrades);
        var (engine, flows, now) = EnginePerf.BuildTickScenario(strategies, tradesPerDay);
        if (args.Contains("--score-only"))
        {
            return ScoreOnly(engine, flows, now);
        }

        var wall = new List<double>();
        var cpu = new List<double>();
        var alloc = new List<long>();
        var gcs = new List<string>();
        var collections = 0;
        for (var i = 0; i < ticks + warmup; i++)
        {
            EnginePerf.AdvanceTo(engine, flows, now);
            var gc = GC.CollectionCount(0);
            var (g1, g2) = (GC.CollectionCount(1), GC.CollectionCount(2));
            var pause0 = GC.GetTotalPauseDuration();
            var (scans, rebuilds) = (engine.States.Sum(s => s.LargeTradeFullScans), engine.States.Sum(s => s.PercentileRebuilds));
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var cpu0 = ThreadCpuMs();
            var sw = Stopwatch.StartNew();
            engine.Tick(now);
            var elapsed = sw.Elapsed.TotalMilliseconds;
            var cpuMs = ThreadCpuMs() - cpu0;
            if (i >= warmup)
            {
                wall.Add(elapsed);
                cpu.Add(cpuMs);
                alloc.Add(GC.GetAllocatedBytesForCurrentThread() - bytes);
                collections += GC.CollectionCount(0) - gc;
                gcs.Add(string.Create(CultureInfo.InvariantCulture, $"gc0/1/2 +{GC.CollectionCount(0) - gc}/{GC.CollectionCount(1) - g1}/{GC.CollectionCount(2) - g2} pause {(GC.GetTotalPauseDuration() - pause0).TotalMilliseconds:0.000} ms, large scans +{engine.States.Sum(s => s.LargeTradeFullScans) - scans}, rebuilds +{engine.States.Sum(s => s.PercentileRebuilds) - rebuilds}, positions {engine.Broker.ActiveCount}"));
            }

            now += 15_000;
        }

        static double Pct(List<double> values, double p)
        {
            var sorted = values.Order().ToList();
            return sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];
        }

        if (args.Contains("--list"))
        {
            foreach (var (ms, index) in cpu.Select((c, k) => (c, k)).OrderByDescending(x => x.c).Take(10))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"slow tick #{index + warmup}: cpu {ms:0.###} ms, wall {wall[index]:0.###} ms, {alloc[index]} B, {gcs[index]}"));
            }
        }

        void Print(string name, double value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));
        Print("strategies", strategies);
        Print("trades_per_day_per_symbol", tradesPerDay);
        Print("ticks", ticks);
        Print("wall_median_ms", Pct(wall, 0.5));
        Print("wall_p99_ms", Pct(wall, 0.99));
        Print("wall_max_ms", wall.Max());
        Print("cpu_median_ms", Pct(cpu, 0.5));
        Print("cpu_p99_ms", Pct(cpu, 0.99));
        Print("cpu_max_ms", cpu.Max());
        Print("alloc_bytes_per_tick_median", Pct(alloc.Select(a => (double)a).ToList(), 0.5));
        Print("alloc_bytes_per_strategy", Pct(alloc.Select(a => (double)a).ToList(), 0.5) / strategies);
        Print("gen0_collections", collections);
        Print("large_trade_full_scans", engine.States.Sum(s => s.LargeTradeFullScans));
        Print("percentile_rebuilds", engine.States.Sum(s => s.PercentileRebuilds));
        return 0;
    }

    /// <summary>Scorer.Score alone over every strategy against fresh snapshots: nanoseconds and bytes per strategy.</summary>
    private static int ScoreOnly(ArbitrageEngine.Engine.Loop.SignalEngine engine, Dictionary<string, SyntheticTrades> flows, long now)
    {
        var strategies = engine.Strategies;
        var perRound = new List<double>();
        var bytesPerRound = new List<double>();
        double sink = 0;
        for (var round = 0; round < 1000; round++)
        {
            EnginePerf.AdvanceTo(engine, flows, now);
            var snaps = engine.States.ToDictionary(s => s.Symbol, s => s.Snapshot(now, engine.Settings.WarmupMs), StringComparer.Ordinal);
            var snapOf = strategies.Select(s => snaps[s.Symbol]).ToArray();
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var cpu0 = ThreadCpuMs();
            for (var i = 0; i < strategies.Count; i++)
            {
                sink += ArbitrageEngine.Engine.Scoring.Scorer.Score(strategies[i], snapOf[i]).Score;
            }

            perRound.Add((ThreadCpuMs() - cpu0) * 1e6 / strategies.Count);
            bytesPerRound.Add((GC.GetAllocatedBytesForCurrentThread() - bytes) / (double)strategies.Count);
            now += 15_000;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"score_ns_per_strategy_median={perRound.Skip(500).Order().ElementAt(250):0.#} bytes_per_strategy={bytesPerRound.Skip(500).Order().ElementAt(250):0.#} ({sink > 0})"));
        return 0;
    }

    /// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), NaN off Linux.</summary>
    internal static double ThreadCpuMs()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        _ = ClockGetTime(3, out var ts);
        return (ts.Seconds * 1e3) + (ts.Nanoseconds / 1e6);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport, not LibraryImport: the source-generated form needs unsafe code enabled for the whole project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clockId, out TimeSpec ts);
#pragma warning restore SYSLIB1054
}
