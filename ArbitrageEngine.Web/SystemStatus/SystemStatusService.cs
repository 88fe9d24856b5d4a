using ArbitrageEngine.Web.Hosting.Market;

namespace ArbitrageEngine.Web.SystemStatus;

/// <summary>Everything on /system except the database (which is read less often).</summary>
public sealed record SystemSnapshot(
    long TimeMs,
    ProcessStatus Process,
    string PipelinePhase,
    string? PipelineError,
    MetricsSnapshot Metrics,
    IReadOnlyList<CollectorStatus> Collectors,
    IReadOnlyList<JobStatus> Jobs,
    IReadOnlyList<MetricsSample> History);

/// <summary>Gathers the /system figures from the singletons that own them (metrics, read model, pipeline, job registry).</summary>
public sealed class SystemStatusService(
    PipelineMetrics metrics,
    MetricsHistory history,
    LiveEngineState live,
    MarketPipelineService pipeline,
    JobRegistry jobs,
    MarketDatabase database,
    TimeProvider clock)
{
    public SystemSnapshot Snapshot()
    {
        var now = clock.GetUtcNow();
        var m = metrics.Snapshot();
        return new SystemSnapshot(
            now.ToUnixTimeMilliseconds(),
            ProcessStatus.Capture(m.Process.CpuPercentOfOneCore, now),
            live.Phase.ToString(),
            live.LastError,
            m,
            CollectorStatus.From(pipeline.Source, now.ToUnixTimeMilliseconds()),
            jobs.Snapshot(),
            history.Samples());
    }

    public async Task<DatabaseStatus> DatabaseAsync(CancellationToken ct = default) =>
        await DatabaseStatus.ReadAsync(await database.DataSourceAsync(ct), ct);
}
