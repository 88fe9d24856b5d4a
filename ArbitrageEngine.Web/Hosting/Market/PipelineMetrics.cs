using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>What <c>GET /api/metrics</c> returns: rates, tick timing, queue depths, drops and the process.</summary>
public sealed record MetricsSnapshot(
    double TradesPerSecond,
    long TradesTotal,
    long Ticks,
    TickTiming TickMs,
    IReadOnlyDictionary<string, long> Queues,
    IReadOnlyDictionary<string, long> Dropped,
    ProcessFigures Process);

/// <summary>Duration of the recent evaluation ticks (score + decide + persist hand-off), in ms.</summary>
public sealed record TickTiming(double Last, double P50, double P99, double Max, int Samples);

public sealed record ProcessFigures(double CpuPercentOfOneCore, double WorkingSetMb, double GcHeapMb, int Gen2Collections, double UptimeSeconds);

/// <summary>
/// Pipeline metrics as .NET <see cref="Meter"/> instruments (readable with dotnet-counters or OpenTelemetry) and as a
/// snapshot for the API and the System page. Stages register their queues and drop counters while they run, so
/// this class depends on nothing but the read model; a 1-second sampler turns running totals into rates.
/// </summary>
public sealed class PipelineMetrics : IDisposable
{
    public const string MeterName = "ArbitrageEngine.Pipeline";
    private const int RateWindowSeconds = 10;
    private const int TickSamples = 240; // one hour of 15 s ticks

    private readonly LiveEngineState _live;
    private readonly TimeProvider _clock;
    private readonly Meter _meter;
    private readonly Histogram<double> _tickDuration;
    private readonly ITimer _sampler;
    private readonly ConcurrentDictionary<string, Func<long>> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<long>> _dropped = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Queue<Sample> _samples = new();
    private readonly double[] _ticks = new double[TickSamples];
    private readonly long _startedMs;
    private int _tickCount;

    private readonly record struct Sample(long WallMs, long Trades, double CpuMs);

    public PipelineMetrics(LiveEngineState live, IMeterFactory meters, TimeProvider clock)
    {
        _live = live;
        _clock = clock;
        _startedMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        _meter = meters.Create(MeterName);
        _meter.CreateObservableCounter("ae.trades.applied", () => live.TradesProcessed, "{trade}", "Trades applied to the engine");
        _meter.CreateObservableGauge("ae.trades.rate", () => Rates().Trades, "{trade}/s", "Trades per second over the last 10 s");
        _meter.CreateObservableCounter("ae.ticks", () => live.Ticks, "{tick}", "Evaluation ticks");
        _tickDuration = _meter.CreateHistogram<double>("ae.tick.duration", "ms", "Duration of one evaluation tick");
        _meter.CreateObservableGauge("ae.queue.depth", () => Measure(_queues), "{item}", "Items waiting in each pipeline queue");
        _meter.CreateObservableCounter("ae.dropped", () => Measure(_dropped), "{item}", "Items dropped per queue");
        _sampler = clock.CreateTimer(_ => TakeSample(), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    /// <summary>Registers a queue's depth; dispose the result when the stage stops.</summary>
    public IDisposable TrackQueue(string name, Func<long> depth) => Track(_queues, name, depth);

    /// <summary>Registers a running count of dropped items; dispose the result when the stage stops.</summary>
    public IDisposable TrackDropped(string name, Func<long> dropped) => Track(_dropped, name, dropped);

    public void RecordTick(double durationMs)
    {
        _tickDuration.Record(durationMs);
        lock (_gate)
        {
            _ticks[_tickCount++ % TickSamples] = durationMs;
        }
    }

    public MetricsSnapshot Snapshot()
    {
        double[] ticks;
        lock (_gate)
        {
            ticks = [.. _ticks.Take(Math.Min(_tickCount, TickSamples))];
        }

        Array.Sort(ticks);
        var timing = ticks.Length == 0
            ? new TickTiming(0, 0, 0, 0, 0)
            : new TickTiming(_live.LastTickDurationMs, Percentile(ticks, 0.50), Percentile(ticks, 0.99), ticks[^1], ticks.Length);
        var (rate, cpu) = Rates();
        using var process = Process.GetCurrentProcess();
        return new MetricsSnapshot(
            rate,
            _live.TradesProcessed,
            _live.Ticks,
            timing,
            _queues.ToDictionary(q => q.Key, q => q.Value(), StringComparer.Ordinal),
            _dropped.ToDictionary(q => q.Key, q => q.Value(), StringComparer.Ordinal),
            new ProcessFigures(cpu, process.WorkingSet64 / 1048576.0, GC.GetTotalMemory(false) / 1048576.0, GC.CollectionCount(2),
                (_clock.GetUtcNow().ToUnixTimeMilliseconds() - _startedMs) / 1000.0));
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    internal static double Percentile(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private (double Trades, double CpuPercent) Rates()
    {
        lock (_gate)
        {
            if (_samples.Count < 2)
            {
                return (0, 0);
            }

            var first = _samples.Peek();
            var last = _samples.Last();
            var seconds = (last.WallMs - first.WallMs) / 1000.0;
            return seconds <= 0 ? (0, 0) : ((last.Trades - first.Trades) / seconds, (last.CpuMs - first.CpuMs) / (seconds * 1000.0) * 100);
        }
    }

    private void TakeSample()
    {
        using var process = Process.GetCurrentProcess();
        var sample = new Sample(_clock.GetUtcNow().ToUnixTimeMilliseconds(), _live.TradesProcessed, process.TotalProcessorTime.TotalMilliseconds);
        lock (_gate)
        {
            _samples.Enqueue(sample);
            while (_samples.Count > RateWindowSeconds + 1)
            {
                _samples.Dequeue();
            }
        }
    }

    private static IEnumerable<Measurement<long>> Measure(ConcurrentDictionary<string, Func<long>> sources) =>
        [.. sources.Select(s => new Measurement<long>(s.Value(), new KeyValuePair<string, object?>("queue", s.Key)))];

    private static IDisposable Track(ConcurrentDictionary<string, Func<long>> into, string name, Func<long> source)
    {
        into[name] = source;
        return new Registration(() => into.TryRemove(new KeyValuePair<string, Func<long>>(name, source)));
    }

    public void Dispose()
    {
        _sampler.Dispose();
        _meter.Dispose();
    }

    private sealed class Registration(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }
}
