using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Replay;
using ArbitrageEngine.Engine.Strategies;
using Microsoft.Extensions.Logging;

namespace ArbitrageEngine.Engine.Backtest;

/// <summary>What parity mode reads besides the market events: the live loop's journal and the stored history its warm-ups read.</summary>
public sealed record ParitySources(IEngineJournalReader Journal, ITradeHistory Trades, IFeatureHistory Features);

/// <summary>
/// Runs a backtest through the one <see cref="EngineLoop"/> (backtest.md §1, §6): a fresh <see cref="PaperBroker"/>
/// with its own accounts (from the strategies' definitions; nothing live is read or written), events of
/// [from − warm-up, to) from a <see cref="MarketEventReader"/>, event-time ticks from the first boundary ≥ from.
/// <para>
/// Warm-up: the events before <c>from</c> are applied like any other (windows, ATR, features — so the state at
/// <c>from</c> is built from the same data live had), but no tick runs before the first boundary ≥ <c>from</c>, so
/// nothing is evaluated or traded in it.
/// </para>
/// <para>
/// Parity mode (<see cref="BacktestRequest.ReplayRecordedCommands"/> with <see cref="ParitySources"/>): the period is
/// replayed by <see cref="ParityReplay"/> (recorded sessions, ticks and commands), the same code the parity tests use.
/// Without the journal, <see cref="BacktestRequest.RecordedCommands"/> are submitted at the tick each took effect.
/// </para>
/// <para>
/// Wall time (the <see cref="TimeProvider"/>) is used only for progress and the reported seconds, never for results.
/// </para>
/// <para>
/// <paramref name="lanes"/>: where the replay loops run. A loop is CPU-bound for seconds at a time; on the thread pool
/// it holds a thread the live loop's timers and I/O need, so a host running research beside the live loop passes its
/// own low-priority threads. The loop's awaits resume there too. Null: the thread pool (CLI, tests, benchmarks).
/// </para>
/// </summary>
public sealed partial class BacktestRunner(
    EngineSettings settings,
    MarketEventReader events,
    ParitySources? parity = null,
    TimeProvider? time = null,
    ILogger<BacktestRunner>? logger = null,
    TaskScheduler? lanes = null) : IBacktestRunner
{
    /// <summary>Progress at most this often (wall time).</summary>
    public static TimeSpan ProgressInterval { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Events between cancellation and progress checks.</summary>
    private const int CheckEvery = 4096;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ILogger _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public async Task<BacktestResult> RunAsync(BacktestRequest request, IProgress<BacktestProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.FromMs >= request.ToMs)
        {
            throw new ArgumentException("from must be before to", nameof(request));
        }

        var engineSettings = settings with { Symbols = [.. request.Symbols] };
        var started = _time.GetTimestamp();
        var parityMode = request.ReplayRecordedCommands && parity is not null;
        var groups = parityMode || !IsSplittable(request)
            ? [(Symbols: request.Symbols, Strategies: request.Strategies)]
            : request.Strategies.GroupBy(s => s.Symbol, StringComparer.Ordinal)
                .Select(g => (Symbols: (IReadOnlyList<string>)[g.Key], Strategies: (IReadOnlyList<StrategyDefinition>)[.. g]))
                .ToList();
        var collectors = groups.Select(g => new BacktestCollector(g.Strategies, request.FromMs)).ToArray();
        var reporter = new ProgressReporter(_time, started, request.FromMs, request.ToMs, collectors.Length, progress);
        for (var i = 0; i < collectors.Length; i++)
        {
            var lane = i;
            var collector = collectors[i];
            collector.TickCompletedHandler = tick => reporter.OnTick(lane, collector.Ticks, tick);
        }

        long replayed = 0;
        var cancelled = false;
        try
        {
            if (parityMode)
            {
                var replay = new ParityReplay(engineSettings, request.Paper, parity!.Journal, parity.Trades, parity.Features, events);
                var summary = await replay.RunAsync(request.FromMs, request.ToMs, collectors[0], cancellationToken).ConfigureAwait(false);
                replayed = summary.Events;
            }
            else if (groups.Count == 1)
            {
                replayed = await OnLane(() => RunLoopAsync(request, engineSettings, collectors[0], reporter, 0, cancellationToken)).ConfigureAwait(false);
            }
            else
            {
                // Independent symbols (see IsSplittable): one loop per symbol, in parallel, each reading only its symbol.
                // A failing loop stops the others; its error (not their cancellation) is what the caller sees.
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var runs = groups.Select((g, i) => OnLane(
                    async () =>
                    {
                        try
                        {
                            return await RunLoopAsync(
                                request with { Symbols = g.Symbols, Strategies = g.Strategies }, engineSettings with { Symbols = g.Symbols }, collectors[i], reporter, i, linked.Token)
                                .ConfigureAwait(false);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            await linked.CancelAsync().ConfigureAwait(false);
                            throw;
                        }
                    })).ToArray();
                await ((Task)Task.WhenAll(runs)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (runs.FirstOrDefault(r => r.IsFaulted && r.Exception!.InnerException is not OperationCanceledException) is { } failed)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.Exception!.InnerException!);
                }

                replayed = runs.Where(r => r.IsCompletedSuccessfully).Sum(r => r.Result);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        var elapsed = _time.GetElapsedTime(started);
        replayed = Math.Max(replayed, reporter.Events);
        var lastTick = collectors.Max(c => c.LastTickMs);
        var nowMs = Math.Min(request.ToMs, Math.Max(request.FromMs, lastTick));
        var (strategies, trades) = collectors.Length == 1
            ? (collectors[0].Results(nowMs), collectors[0].Trades())
            : BacktestCollector.Merge(collectors, [.. request.Strategies.Select(s => s.StrategyId)], nowMs);
        var result = new BacktestResult(
            strategies,
            trades,
            collectors.Sum(c => c.Evaluations),
            collectors.Max(c => c.Ticks),
            replayed,
            elapsed.TotalSeconds,
            cancelled);
        progress?.Report(reporter.Final(cancelled));
        LogFinished(_logger, result.Strategies.Count, result.Trades.Count, result.Ticks, result.Seconds, cancelled);
        return result;
    }

    /// <summary>
    /// Whether each symbol's strategies can run in a loop of their own with results identical to one loop: symbols
    /// interact only through the broker's global position cap, which cannot bind when it is at least the number of
    /// strategies (each holds at most one position); recorded commands are applied by one loop; every strategy's
    /// symbol must be replayed.
    /// </summary>
    public static bool IsSplittable(BacktestRequest request) =>
        request.SplitBySymbol &&
        (request.RecordedCommands is null || request.RecordedCommands.Count == 0) &&
        request.Paper.MaxPositions >= request.Strategies.Count &&
        request.Strategies.All(s => request.Symbols.Contains(s.Symbol, StringComparer.Ordinal)) &&
        request.Strategies.Select(s => s.Symbol).Distinct(StringComparer.Ordinal).Count() > 1;

    /// <summary>Starts a replay loop on <c>lanes</c> (or the thread pool).</summary>
    private Task<long> OnLane(Func<Task<long>> loop) =>
        Task.Factory.StartNew(loop, CancellationToken.None, TaskCreationOptions.DenyChildAttach, lanes ?? TaskScheduler.Default).Unwrap();

    private async Task<long> RunLoopAsync(
        BacktestRequest request, EngineSettings engineSettings, BacktestCollector collector, ProgressReporter reporter, int lane, CancellationToken cancellationToken)
    {
        var loop = new EngineLoop(engineSettings, new PaperBroker(request.Paper), collector, new EngineLoopOptions { PriceIntervalMs = 0, PublishSnapshots = false });
        loop.Load(request.Strategies);

        var lastTick = request.ToMs - 1;
        var firstTick = loop.NextBoundaryAfter(request.FromMs - 1);
        ILookup<long, CommandRecord>? byTick = request.RecordedCommands?.Where(c => c.AppliedTickMs is not null).ToLookup(c => c.AppliedTickMs!.Value);
        var clock = new EventTimeTicks(
            loop,
            firstTick,
            lastTick,
            beforeTick: byTick is null ? null : tick =>
            {
                foreach (var c in byTick[tick])
                {
                    loop.Submit(c.Command);
                }
            });

        var from = request.FromMs - Math.Max(0, request.WarmupMs);
        long count = 0;
        var sinceCheck = 0;
        // With lanes, resume on them (TaskScheduler.Current) after a read that had to wait, instead of on the thread pool.
        await foreach (var e in events(engineSettings.Symbols, from, request.ToMs, cancellationToken).ConfigureAwait(lanes is not null))
        {
            clock.OnEvent(e);
            count++;
            if (++sinceCheck == CheckEvery)
            {
                sinceCheck = 0;
                cancellationToken.ThrowIfCancellationRequested();
                reporter.OnEvents(lane, count, e.TimeMs);
            }
        }

        reporter.OnEvents(lane, count, request.ToMs);
        cancellationToken.ThrowIfCancellationRequested();
        clock.AdvanceTo(lastTick);
        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backtest finished: {Strategies} strategies, {Trades} trades, {Ticks} ticks in {Seconds:0.00} s (cancelled: {Cancelled})")]
    private static partial void LogFinished(ILogger logger, int strategies, int trades, long ticks, double seconds, bool cancelled);

    /// <summary>
    /// Throttles progress to wall-time intervals and tenths of the simulated range; percent is of the simulated range
    /// (warm-up counts as 0 %), the slowest lane's when loops run per symbol. Lanes write only their own slots; reports
    /// are serialised.
    /// </summary>
    private sealed class ProgressReporter(TimeProvider time, long started, long fromMs, long toMs, int lanes, IProgress<BacktestProgress>? progress)
    {
        private readonly long[] _simulatedMs = Enumerable.Repeat(long.MinValue, lanes).ToArray();
        private readonly long[] _events = new long[lanes];
        private readonly Lock _gate = new();
        private const int StepsPerRun = 10;
        private long _lastReport = long.MinValue;
        private int _lastStep;

        public long Events => _events.Sum();

        private long SimulatedMs => Math.Clamp(_simulatedMs.Min() is var m && m == long.MinValue ? fromMs : m, fromMs, toMs);

        public void OnEvents(int lane, long events, long eventTimeMs)
        {
            _events[lane] = events;
            _simulatedMs[lane] = Math.Max(_simulatedMs[lane], Math.Min(eventTimeMs, toMs));
            Maybe();
        }

        public void OnTick(int lane, long ticks, long tickMs)
        {
            _simulatedMs[lane] = Math.Max(_simulatedMs[lane], tickMs);
            if ((ticks & 63) == 0)
            {
                Maybe();
            }
        }

        private void Maybe()
        {
            if (progress is null)
            {
                return;
            }

            lock (_gate)
            {
                // Every tenth of the simulated range is reported as well, so a run that outpaces the wall-time interval
                // still shows (and can be cancelled at) a point mid-way, however fast the machine.
                var step = (int)((SimulatedMs - fromMs) * StepsPerRun / Math.Max(1, toMs - fromMs));
                var now = time.GetTimestamp();
                var newStep = step > _lastStep && step < StepsPerRun;
                if (!newStep && time.GetElapsedTime(_lastReport == long.MinValue ? started : _lastReport, now) < ProgressInterval)
                {
                    return;
                }

                _lastStep = Math.Max(_lastStep, step);
                _lastReport = now;
                progress.Report(Build(false));
            }
        }

        public BacktestProgress Final(bool cancelled)
        {
            lock (_gate)
            {
                return Build(!cancelled);
            }
        }

        private BacktestProgress Build(bool done)
        {
            var elapsed = time.GetElapsedTime(started);
            var simulated = SimulatedMs;
            var fraction = done ? 1 : (double)(simulated - fromMs) / (toMs - fromMs);
            var events = Events;
            var rate = elapsed.TotalSeconds > 0 ? events / elapsed.TotalSeconds : 0;
            TimeSpan? eta = done ? TimeSpan.Zero : fraction > 0.001 ? elapsed * ((1 - fraction) / fraction) : null;
            return new BacktestProgress(fraction * 100, done ? toMs : simulated, events, rate, eta);
        }
    }
}
