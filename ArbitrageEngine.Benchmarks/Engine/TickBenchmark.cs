using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Performance;
using BenchmarkDotNet.Attributes;

namespace ArbitrageEngine.Benchmarks.Engine;

/// <summary>One evaluation tick: 1,000 strategies over 4 symbols with full 24 h windows (target ≤ 20 ms).</summary>
[MemoryDiagnoser]
public class TickBenchmark
{
    private SignalEngine _engine = null!;
    private Dictionary<string, SyntheticTrades> _flows = null!;
    private long _now;

    [GlobalSetup]
    public void Setup() => (_engine, _flows, _now) = EnginePerf.BuildTickScenario(1000);

    [IterationSetup]
    public void AdvanceMarket()
    {
        // 15 s of trades between ticks, as in live operation.
        _now += 15_000;
        foreach (var (symbol, flow) in _flows)
        {
            while (flow.CurrentTimeMs <= _now)
            {
                _engine.OnTrade(symbol, flow.Next());
            }
        }
    }

    [Benchmark]
    public void Tick1000Strategies() => _engine.Tick(_now);
}
