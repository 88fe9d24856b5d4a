namespace ArbitrageEngine.Web.Cli;

/// <summary><c>perf [--quick]</c>: the engine's throughput figures as name=value lines (spec/cli.md).</summary>
public sealed class PerfVerb : ICliVerb
{
    public string Name => "perf";

    public string Help => "perf [--quick] [--golden <public-6h.jsonl.gz>]\n  Prints trade_update_per_s, tick_1000_strategies_ms, replay_public_6h_s, bytes_per_windowed_trade.";

    public Task<int> RunAsync(CliArguments args) => throw new CliException("not yet available");
}
