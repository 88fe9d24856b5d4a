using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Performance;
using ArbitrageEngine.Engine.State;
using BenchmarkDotNet.Attributes;

namespace ArbitrageEngine.Benchmarks.Engine;

/// <summary>Per-trade state update on one symbol holding a full 24 h window (target ≥ 20 M trades/s).</summary>
[MemoryDiagnoser]
public class TradeUpdateBenchmark
{
    private const int Batch = 1 << 20;
    private SymbolState _state = null!;
    private SyntheticTrades _flow = null!;
    private readonly AggTrade[] _batch = new AggTrade[Batch];

    [GlobalSetup]
    public void Setup()
    {
        _state = new SymbolState("BTCUSDT", new EngineSettings { Symbols = ["BTCUSDT"] });
        _flow = EnginePerf.Flow("BTCUSDT", 0);
        while (_flow.CurrentTimeMs < EnginePerf.DayMs)
        {
            _flow.Fill(_batch);
            foreach (ref readonly var t in _batch.AsSpan())
            {
                _state.Apply(t);
            }
        }
    }

    [IterationSetup]
    public void NextBatch() => _flow.Fill(_batch);

    /// <summary>One operation = 1,048,576 trades; trades/s = 1,048,576 / mean.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void ApplyTrade()
    {
        foreach (ref readonly var t in _batch.AsSpan())
        {
            _state.Apply(t);
        }
    }
}
