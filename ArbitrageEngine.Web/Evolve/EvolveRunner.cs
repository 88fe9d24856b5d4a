using System.Globalization;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Engine.Evolve;
using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Persistence;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>A run to start: mode, force, what triggered it and who.</summary>
public sealed record EvolveRequest(EvolveMode Mode, bool Force, string Trigger, AuditActor Actor);

/// <summary>A started run (its row exists and it runs in the background) or the reason it was refused.</summary>
public sealed record EvolveStart(Guid? RunId, EvolveRefusal? Refusal, Task<EvolveRunRow?> Completion);

/// <summary>
/// Starts and runs auto-evolve runs: the run row first (the per-date apply guarantee), then the plan, then — apply —
/// one transaction; any failure marks the run failed with the reason. One run at a time per process (the sweep is
/// heavy); progress goes to <see cref="EvolveProgress"/>.
/// </summary>
public sealed partial class EvolveRunner(
    IServiceScopeFactory scopes,
    EvolveStore store,
    EvolveProgress progress,
    TimeProvider clock,
    ILogger<EvolveRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim _single = new(1, 1);

    public void Dispose() => _single.Dispose();

    /// <summary>Starts a run in the background; returns once its row is stored (or it was refused).</summary>
    public async Task<EvolveStart> StartAsync(EvolveRequest request, CancellationToken stopping)
    {
        if (!await _single.WaitAsync(0, stopping))
        {
            var active = progress.Active.Count > 0 ? progress.Active[0] : null;
            return new(null, new EvolveRefusal("another evolve run is in progress", active?.RunId), Task.FromResult<EvolveRunRow?>(null));
        }

        try
        {
            var now = clock.GetUtcNow();
            var runId = Guid.CreateVersion7(now);
            var date = BeijingTime.DateOf(now);
            if (await store.TryStartAsync(runId, date, request.Mode, request.Trigger, request.Force, request.Actor.UserName, now, stopping) is { } refusal)
            {
                _single.Release();
                return new(null, refusal, Task.FromResult<EvolveRunRow?>(null));
            }

            progress.Publish(new EvolveProgressUpdate(runId, "starting", 0, null, null, false));
            var completion = Task.Run(() => ExecuteAsync(runId, date, now, request, stopping), CancellationToken.None);
            return new(runId, null, completion);
        }
        catch
        {
            _single.Release();
            throw;
        }
    }

    /// <summary>Starts a run and waits for it (CLI, scheduler, tests).</summary>
    public async Task<(EvolveRunRow? Run, EvolveRefusal? Refusal)> RunAsync(EvolveRequest request, CancellationToken ct)
    {
        var start = await StartAsync(request, ct);
        return start.Refusal is { } refusal ? (null, refusal) : (await start.Completion, null);
    }

    /// <summary>Test seam for a crash mid-apply (see <see cref="EvolveApplier.BeforeCommit"/>).</summary>
    internal Func<Task>? ApplyFault { get; set; }

    private async Task<EvolveRunRow?> ExecuteAsync(Guid runId, DateOnly date, DateTimeOffset startedAt, EvolveRequest request, CancellationToken ct)
    {
        try
        {
            var header = new EvolveReport
            {
                RunId = runId,
                BeijingDate = date,
                Mode = request.Mode.Name(),
                Forced = request.Force,
                Trigger = request.Trigger,
                Actor = request.Actor.UserName,
                StartedAt = startedAt,
            };
            EvolvePlan? plan = null;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var sp = scope.ServiceProvider;
                var db = sp.GetRequiredService<ArbitrageDbContext>();
                var planner = sp.GetRequiredService<EvolvePlanner>();
                var stageName = "starting";
                void Stage(string s)
                {
                    stageName = s;
                    progress.Publish(new EvolveProgressUpdate(runId, s, 0, null, null, false));
                }

                var sweepProgress = new InlineProgress(p => progress.Publish(new EvolveProgressUpdate(runId, stageName, p.Percent, p.SimulatedMs, p.TradesPerSecond, false)));
                plan = await planner.PlanAsync(db, header, startedAt, Stage, sweepProgress, ct);
                var report = plan.Report with { FinishedAt = clock.GetUtcNow() };
                plan = plan with { Report = report };
                var markdown = EvolveMarkdown.Render(report, "succeeded");
                if (request.Mode == EvolveMode.Apply)
                {
                    Stage("applying");
                    var applier = sp.GetRequiredService<EvolveApplier>();
                    applier.BeforeCommit = ApplyFault;
                    await applier.ApplyAsync(db, sp.GetRequiredService<AuditLog>(), request.Actor, runId, plan, markdown, ct);
                }
                else
                {
                    // A dry-run lists what apply would do but writes only its report.
                    await store.FinishAsync(runId, "succeeded", plan.Creations.Count, plan.Retirements.Count, Summary(report, "dry_run"), null, report, markdown, clock.GetUtcNow(), ct);
                }
            }
            catch (Exception ex)
            {
                LogRunFailed(logger, ex, runId);
                var report = (plan?.Report ?? header) with { FinishedAt = clock.GetUtcNow() };
                report.Notes.Add("failed: " + ex.Message);
                var error = ex is OperationCanceledException ? "cancelled (the process is stopping)" : ex.GetType().Name + ": " + ex.Message;
                await store.FinishAsync(runId, "failed", 0, 0, "failed: " + error, error, report, EvolveMarkdown.Render(report, "failed"), clock.GetUtcNow(), CancellationToken.None);
            }

            return await store.FindAsync(runId, CancellationToken.None);
        }
        finally
        {
            progress.Publish(new EvolveProgressUpdate(runId, "finished", 100, null, null, true));
            _single.Release();
        }
    }

    /// <summary>One line: "apply 2026-12-01: created 2, retired 1 (BTCUSDT: created …; ETHUSDT: …)".</summary>
    public static string Summary(EvolveReport report, string mode)
    {
        var verb = mode == "apply" ? "created" : "would create";
        var retireVerb = mode == "apply" ? "retired" : "would retire";
        var symbols = string.Join("; ", report.Symbols.Select(s => $"{s.Symbol}: {(s.Created is { } c ? c.Name : s.Note ?? s.Decision ?? "-")}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{mode} {report.BeijingDate:yyyy-MM-dd}: {verb} {report.Created.Count}, {retireVerb} {report.Retired.Count}; {symbols}");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Evolve run {RunId} failed")]
    private static partial void LogRunFailed(ILogger logger, Exception ex, Guid runId);

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to a context and reorder updates).</summary>
    private sealed class InlineProgress(Action<BacktestProgress> report) : IProgress<BacktestProgress>
    {
        public void Report(BacktestProgress value) => report(value);
    }
}
