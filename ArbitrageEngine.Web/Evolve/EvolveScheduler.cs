using ArbitrageEngine.Engine.Evolve;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.SystemStatus;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>
/// The daily run at Evolve:ScheduleTime Beijing time. Exactly once per date across restarts and processes: a date is
/// claimed by inserting its evolve_schedule row (primary key), so only one process runs it; a process started after
/// the time on the same date runs it late. Dates that passed without a run are recorded as missed (a schedule row and
/// a run row), never skipped silently. On a database that never had a scheduled run, dates before the first start are
/// not owed: that day is recorded as missed when the time had already passed.
/// </summary>
public sealed partial class EvolveScheduler(
    EvolveRunner runner,
    EvolveStore store,
    IOptions<EvolveOptions> options,
    TimeProvider clock,
    JobRegistry jobs,
    ILogger<EvolveScheduler> logger) : BackgroundService
{
    public const string JobName = "auto-evolve";

    /// <summary>A run still "running" after this long was interrupted (a full run takes minutes).</summary>
    public static readonly TimeSpan StaleRunAfter = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        jobs.Register(JobName, o.Enabled
            ? $"daily auto-evolve at {o.ScheduleTime:HH\\:mm} Beijing time ({o.ScheduledMode.Name()})"
            : "daily auto-evolve (disabled: Evolve:Enabled=false)", TimeSpan.FromDays(1));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.FailInterruptedAsync(clock.GetUtcNow(), StaleRunAfter, stoppingToken);
                if (o.Enabled)
                {
                    await RunDueAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }

            await Task.Delay(TimeSpan.FromSeconds(o.PollSeconds), clock, stoppingToken);
        }
    }

    /// <summary>One pass: records missed dates, then runs today's when due and not yet claimed. Returns the run started, if any.</summary>
    public async Task<Guid?> RunDueAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var today = BeijingTime.DateOf(now);
        var due = now >= BeijingTime.At(today, o.ScheduleTime);
        var last = await store.LastScheduledDateAsync(ct);
        if (last is null)
        {
            if (due)
            {
                await store.RecordMissedAsync(today, now, "missed: the schedule first started after the run time of this date", ct);
            }

            return null;
        }

        var first = last.Value.AddDays(1);
        var oldest = today.AddDays(-o.MissedLookbackDays);
        for (var d = first < oldest ? oldest : first; d < today; d = d.AddDays(1))
        {
            if (await store.RecordMissedAsync(d, now, "missed: no process ran the schedule on this date", ct))
            {
                LogMissed(logger, d);
            }
        }

        if (!due || !await store.ClaimScheduleAsync(today, ct))
        {
            return null;
        }

        Guid? runId = null;
        await jobs.RunAsync(JobName, async () =>
        {
            var (run, refusal) = await runner.RunAsync(new EvolveRequest(o.ScheduledMode, false, "scheduled", AuditActor.System), ct);
            runId = run?.RunId;
            var status = refusal is not null || run?.Status != "succeeded" ? "failed" : "done";
            await store.MarkScheduleAsync(today, status, run?.RunId, refusal?.Reason ?? run?.Error, CancellationToken.None);
            if (refusal is not null)
            {
                throw new InvalidOperationException(refusal.Reason);
            }

            return run?.Status == "succeeded" ? run.Summary : throw new InvalidOperationException(run?.Error ?? "run failed");
        });
        return runId;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auto-evolve: the scheduled run of {Date} was missed")]
    private static partial void LogMissed(ILogger logger, DateOnly date);

    [LoggerMessage(Level = LogLevel.Error, Message = "Auto-evolve schedule pass failed; retrying at the next poll")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
