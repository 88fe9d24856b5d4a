using ArbitrageEngine.Web.Hosting.Market;

namespace ArbitrageEngine.Web.SystemStatus;

/// <summary>One sample of the pipeline figures for the small charts on /system.</summary>
public sealed record MetricsSample(long TimeMs, double TradesPerSecond, double TickP50Ms, double TickP99Ms, double CpuPercent, double WorkingSetMb);

/// <summary>
/// Samples <see cref="PipelineMetrics"/> every 10 s into a ring of the last two hours (720 samples), so /system can
/// draw trades/s and tick p50/p99 over time. In memory: a restart starts a new series.
/// </summary>
public sealed partial class MetricsHistory(PipelineMetrics metrics, TimeProvider clock, ILogger<MetricsHistory> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    public const int Capacity = 720;

    private readonly Lock _gate = new();
    private readonly Queue<MetricsSample> _samples = new();

    public IReadOnlyList<MetricsSample> Samples()
    {
        lock (_gate)
        {
            return [.. _samples];
        }
    }

    /// <summary>Takes one sample now (the service calls it every <see cref="Interval"/>).</summary>
    public void Sample()
    {
        var s = metrics.Snapshot();
        var sample = new MetricsSample(clock.GetUtcNow().ToUnixTimeMilliseconds(), s.TradesPerSecond, s.TickMs.P50, s.TickMs.P99, s.Process.CpuPercentOfOneCore, s.Process.WorkingSetMb);
        lock (_gate)
        {
            _samples.Enqueue(sample);
            while (_samples.Count > Capacity)
            {
                _samples.Dequeue();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                Sample();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metrics sample failed")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
