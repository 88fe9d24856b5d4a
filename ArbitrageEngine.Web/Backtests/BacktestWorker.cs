using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ArbitrageEngine.Engine.Backtest;
using ArbitrageEngine.Web.SystemStatus;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Backtests;

/// <summary>
/// Executes queued runs: claims them from PostgreSQL (FOR UPDATE SKIP LOCKED), at most <c>Backtest:MaxConcurrent</c>
/// at a time on the low-priority <see cref="ResearchThreads"/>; pushes progress through <see cref="BacktestNotifier"/> and
/// writes it every few seconds (also picking up cancels requested by another process); stores results, partial ones
/// marked cancelled, or the reason of a failure. At start, runs left <c>running</c> by a previous process are marked
/// failed "interrupted by restart" (they are not resumed: a rerun is one click from the list).
/// </summary>
public sealed partial class BacktestWorker(
    BacktestDatabase database,
    IBacktestJobs backtests,
    BacktestNotifier notifier,
    JobRegistry jobs,
    ResearchThreads threads,
    IOptions<BacktestJobOptions> options,
    ILogger<BacktestWorker> logger) : BackgroundService
{
    public const string JobName = "backtests";

    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();
    private readonly SemaphoreSlim _wake = new(0);
    private int _disposed;

    /// <summary>Runs being executed by this process.</summary>
    public IReadOnlyCollection<Guid> Running => [.. _running.Keys];

    /// <summary>Wakes the worker (a run was queued).</summary>
    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (ObjectDisposedException)
        {
            // A request finishing while the host stops: the queued run is picked up at the next start.
        }
    }

    /// <summary>Stops a run this process executes; its partial results are stored as cancelled. False when not running here.</summary>
    public bool TryCancel(Guid runId)
    {
        if (_running.TryGetValue(runId, out var cts))
        {
            cts.Cancel();
            return true;
        }

        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        jobs.Register(JobName, string.Create(CultureInfo.InvariantCulture, $"Backtests: queued runs, at most {o.MaxConcurrent} at a time (low-priority research threads)"), TimeSpan.FromSeconds(o.PollSeconds));
        await Task.Yield();
        var store = await database.StoreAsync(stoppingToken);
        try
        {
            var interrupted = await store.FailInterruptedAsync(stoppingToken);
            if (interrupted > 0)
            {
                LogInterrupted(logger, interrupted);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLoopFailed(logger, ex);
        }

        using var slots = new SemaphoreSlim(o.MaxConcurrent, o.MaxConcurrent);
        var active = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                (BacktestRunRow Run, JsonElement Spec)? claimed = null;
                try
                {
                    claimed = await store.ClaimNextAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogLoopFailed(logger, ex);
                }

                if (claimed is not { } c)
                {
                    slots.Release();
                    await _wake.WaitAsync(TimeSpan.FromSeconds(o.PollSeconds), stoppingToken);
                    continue;
                }

                active.RemoveAll(t => t.IsCompleted);
                active.Add(threads.Run(async () =>
                {
                    try
                    {
                        await jobs.RunAsync(JobName, () => ExecuteRunAsync(store, c.Run, c.Spec, stoppingToken));
                    }
                    catch (Exception ex)
                    {
                        LogLoopFailed(logger, ex);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Running runs see the stop token and store themselves as interrupted.
        await Task.WhenAll(active);
    }

    /// <summary>One run from claim to stored result; returns the line the System page shows.</summary>
    private async Task<string?> ExecuteRunAsync(BacktestStore store, BacktestRunRow run, JsonElement spec, CancellationToken stoppingToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _running[run.RunId] = cts;
        var watch = Stopwatch.StartNew();
        notifier.Publish(new BacktestRunUpdate(run.RunId, BacktestRunStatuses.Running, null));
        var progress = new RunProgress(run.RunId, notifier);
        using var persistStop = new CancellationTokenSource();
        var persist = PersistProgressAsync(store, progress, cts, persistStop.Token);
        try
        {
            var outcome = await backtests.RunAsync(run.Kind, spec, progress, cts.Token);
            await persistStop.CancelAsync();
            await persist;
            if (outcome.Result.Cancelled && stoppingToken.IsCancellationRequested)
            {
                await store.FailAsync(run.RunId, BacktestRunStatuses.InterruptedByRestart, watch.Elapsed.TotalSeconds, CancellationToken.None);
                notifier.Publish(new BacktestRunUpdate(run.RunId, BacktestRunStatuses.Failed, null));
                return $"run {run.RunId:D} interrupted by shutdown";
            }

            await store.SaveResultAsync(run.RunId, outcome.Result, watch.Elapsed.TotalSeconds, outcome.Summary, CancellationToken.None);
            if (outcome.Windows is { Count: > 0 } windows)
            {
                await store.SaveWindowsAsync(run.RunId, windows, CancellationToken.None);
            }

            var status = outcome.Result.Cancelled ? BacktestRunStatuses.Cancelled : BacktestRunStatuses.Succeeded;
            notifier.Publish(new BacktestRunUpdate(run.RunId, status, progress.Latest));
            return string.Create(CultureInfo.InvariantCulture,
                $"run {run.RunId:D} {status}: {outcome.Result.Strategies.Count} strategies, {outcome.Result.Trades.Count} trades, {watch.Elapsed.TotalSeconds:0.0} s");
        }
        catch (Exception ex)
        {
            await persistStop.CancelAsync();
            await persist;
            var reason = stoppingToken.IsCancellationRequested ? BacktestRunStatuses.InterruptedByRestart
                : ex is OperationCanceledException ? "cancelled before any result" : ex.GetType().Name + ": " + ex.Message;
            if (!stoppingToken.IsCancellationRequested)
            {
                LogRunFailed(logger, ex, run.RunId);
            }

            if (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                // A cancel before the runner returned anything: an empty result, marked cancelled.
                await store.SaveResultAsync(run.RunId, new BacktestResult([], [], 0, 0, 0, watch.Elapsed.TotalSeconds, Cancelled: true), watch.Elapsed.TotalSeconds, null, CancellationToken.None);
                notifier.Publish(new BacktestRunUpdate(run.RunId, BacktestRunStatuses.Cancelled, null));
                return $"run {run.RunId:D} cancelled";
            }

            await store.FailAsync(run.RunId, reason, watch.Elapsed.TotalSeconds, CancellationToken.None);
            notifier.Publish(new BacktestRunUpdate(run.RunId, BacktestRunStatuses.Failed, null));
            if (stoppingToken.IsCancellationRequested)
            {
                return reason;
            }

            throw;
        }
        finally
        {
            _running.TryRemove(run.RunId, out _);
        }
    }

    /// <summary>Writes the latest progress every few seconds; a cancel flag set by any process cancels the run.</summary>
    private async Task PersistProgressAsync(BacktestStore store, RunProgress progress, CancellationTokenSource run, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ProgressPersistSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    var latest = progress.Latest ?? new BacktestProgress(0, 0, 0, 0, null);
                    if (await store.ProgressAsync(progress.RunId, latest, stop))
                    {
                        await run.CancelAsync();
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogLoopFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override void Dispose()
    {
        // Registered as a singleton and as the hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _wake.Dispose();
        }

        base.Dispose();
    }

    /// <summary>
    /// Keeps the latest progress and pushes each report to pages. The runner already paces its reports (every 250 ms
    /// and at each new tenth of the simulated range), so a second throttle here would only drop the tenths.
    /// </summary>
    private sealed class RunProgress(Guid runId, BacktestNotifier notifier) : IProgress<BacktestProgress>
    {
        private BacktestProgress? _latest;

        public Guid RunId { get; } = runId;

        public BacktestProgress? Latest => Volatile.Read(ref _latest);

        public void Report(BacktestProgress value)
        {
            Volatile.Write(ref _latest, value);
            notifier.Publish(new BacktestRunUpdate(RunId, BacktestRunStatuses.Running, value));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} backtest run(s) were running when the app stopped; marked failed (interrupted by restart)")]
    private static partial void LogInterrupted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Backtest worker pass failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Backtest run {RunId} failed")]
    private static partial void LogRunFailed(ILogger logger, Exception ex, Guid runId);
}
