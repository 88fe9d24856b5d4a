using ArbitrageEngine.Engine.Conformance;
using BenchmarkDotNet.Attributes;

namespace ArbitrageEngine.Benchmarks.Engine;

/// <summary>Replay of public-6h end to end, parsing excluded (target ≥ 50× the reference's ~25 s, i.e. ≤ 0.5 s).</summary>
[MemoryDiagnoser]
public class ReplayBenchmark
{
    private GoldenStream _stream = null!;

    [GlobalSetup]
    public void Setup()
    {
        var path = Environment.GetEnvironmentVariable("GOLDEN_PUBLIC_6H") ?? SharedData.Find("golden/public-6h.jsonl.gz")
            ?? throw new FileNotFoundException("set GOLDEN_PUBLIC_6H to shared/golden/public-6h.jsonl.gz");
        _stream = GoldenStream.Load(path);
    }

    [Benchmark]
    public ReplaySummary ReplayPublic6h() => GoldenRunner.Run(_stream, Stream.Null);
}
