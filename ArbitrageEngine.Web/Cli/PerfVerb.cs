using System.Globalization;
using ArbitrageEngine.Engine.Conformance;
using ArbitrageEngine.Engine.Performance;

namespace ArbitrageEngine.Web.Cli;

/// <summary><c>perf [--quick]</c>: the engine's throughput figures as exact <c>name=value</c> lines (spec/cli.md). No database.</summary>
public sealed class PerfVerb : ICliVerb
{
    public string Name => "perf";

    public string Help =>
        "perf [--quick] [--golden <public-6h.jsonl.gz>]\n" +
        "  Prints trade_update_per_s, tick_1000_strategies_ms (+ _p99), replay_public_6h_s, bytes_per_windowed_trade.\n" +
        "  --golden defaults to ../shared/golden/public-6h.jsonl.gz (skipped when absent).";

    public async Task<int> RunAsync(CliArguments args)
    {
        var quick = args.Has("quick");
        var golden = args.Optional("golden") ?? SharedData.Find("golden/public-6h.jsonl.gz", Directory.GetCurrentDirectory()) ?? SharedData.Find("golden/public-6h.jsonl.gz");

        void Print(string name, double value) =>
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}={value:0.###}"));

        Print("trade_update_per_s", EnginePerf.TradeUpdatePerSecond(quick ? 4_000_000 : 20_000_000));

        var (bytes, trades) = EnginePerf.BytesPerWindowedTrade();
        Print("bytes_per_windowed_trade", bytes);
        Print("windowed_trades", trades);

        var (engine, flows, now) = EnginePerf.BuildTickScenario(1000);
        var rebuildsBefore = engine.States.Sum(s => s.PercentileRebuilds);
        var (median, p99) = EnginePerf.MeasureTicks(engine, flows, now, quick ? 20 : 100);
        Print("tick_percentile_rebuilds", engine.States.Sum(s => s.PercentileRebuilds) - rebuildsBefore);
        Print("tick_1000_strategies_ms", median);
        Print("tick_1000_strategies_p99_ms", p99);
        Print("tick_window_trades_per_symbol", engine.States.Average(s => s.WindowTradeCount));

        if (golden is not null && File.Exists(golden))
        {
            var stream = GoldenStream.Load(golden);
            Print("replay_public_6h_s", EnginePerf.ReplaySeconds(stream, quick ? 3 : 9));
            Print("replay_public_6h_engine_only_s", EnginePerf.ReplaySeconds(stream, quick ? 3 : 9, writeExpectations: false));
        }
        else
        {
            await Console.Error.WriteLineAsync("perf: golden stream not found, replay_public_6h_s skipped (use --golden)");
        }

        return 0;
    }
}
