using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Replay;
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
/// </summary>
public sealed partial class BacktestRunner(
    EngineSettings settings,
    MarketEventReader events,
    ParitySources? parity = null,
    TimeProvider? time = null,
    ILogger<BacktestRunner>? logger = null) : IBacktestRunner
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
        var collector = new BacktestCollector(request.Strategies, request.FromMs);
        var started = _time.GetTimestamp();
        var reporter = new ProgressReporter(_time, started, request.FromMs, request.ToMs, collector, progress);
        collector.TickCompletedHandler = reporter.OnTick;
        long replayed = 0;
        var cancelled = false;
        try
        {
            if (request.ReplayRecordedCommands && parity is not null)
            {
                var counting = new EngineEventFanOut(collector);
                var replay = new ParityReplay(engineSettings, request.Paper, parity.Journal, parity.Trades, parity.Features, events);
                var summary = await replay.RunAsync(request.FromMs, request.ToMs, counting, cancellationToken).ConfigureAwait(false);
                replayed = summary.Events;
            }
            else
            {
                replayed = await RunLoopAsync(request, engineSettings, collector, reporter, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }

        var elapsed = _time.GetElapsedTime(started);
        replayed = Math.Max(replayed, reporter.Events);
        var result = new BacktestResult(
            collector.Results(Math.Min(request.ToMs, Math.Max(request.FromMs, collector.LastTickMs))),
            collector.Trades(),
            collector.Evaluations,
            collector.Ticks,
            replayed,
            elapsed.TotalSeconds,
            cancelled);
        progress?.Report(reporter.Final(cancelled));
        LogFinished(_logger, result.Strategies.Count, result.Trades.Count, result.Ticks, result.Seconds, cancelled);
        return result;
    }

    private async Task<long> RunLoopAsync(
        BacktestRequest request, EngineSettings engineSettings, BacktestCollector collector, ProgressReporter reporter, CancellationToken cancellationToken)
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
        await foreach (var e in events(engineSettings.Symbols, from, request.ToMs, cancellationToken).ConfigureAwait(false))
        {
            clock.OnEvent(e);
            count++;
            if (++sinceCheck == CheckEvery)
            {
                sinceCheck = 0;
                cancellationToken.ThrowIfCancellationRequested();
                reporter.OnEvents(count, e.TimeMs);
            }
        }

        reporter.OnEvents(count, request.ToMs);
        cancellationToken.ThrowIfCancellationRequested();
        clock.AdvanceTo(lastTick);
        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backtest finished: {Strategies} strategies, {Trades} trades, {Ticks} ticks in {Seconds:0.00} s (cancelled: {Cancelled})")]
    private static partial void LogFinished(ILogger logger, int strategies, int trades, long ticks, double seconds, bool cancelled);

    /// <summary>Throttles progress to wall-time intervals; percent is of the simulated range (warm-up counts as 0 %).</summary>
    private sealed class ProgressReporter(TimeProvider time, long started, long fromMs, long toMs, BacktestCollector collector, IProgress<BacktestProgress>? progress)
    {
        private long _lastReport = long.MinValue;
        private long _simulatedMs = long.MinValue;

        private long SimulatedMs => _simulatedMs == long.MinValue ? fromMs : _simulatedMs;

        public long Events { get; private set; }

        public void OnEvents(long events, long eventTimeMs)
        {
            Events = events;
            _simulatedMs = Math.Clamp(eventTimeMs, fromMs, toMs);
            Maybe();
        }

        public void OnTick(long tickMs)
        {
            _simulatedMs = Math.Clamp(tickMs, fromMs, toMs);
            if ((collector.Ticks & 63) == 0)
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

            var now = time.GetTimestamp();
            if (time.GetElapsedTime(_lastReport == long.MinValue ? started : _lastReport, now) < ProgressInterval)
            {
                return;
            }

            _lastReport = now;
            progress.Report(Build(false));
        }

        public BacktestProgress Final(bool cancelled) => Build(!cancelled);

        private BacktestProgress Build(bool done)
        {
            var elapsed = time.GetElapsedTime(started);
            var fraction = done ? 1 : (double)(SimulatedMs - fromMs) / (toMs - fromMs);
            var rate = elapsed.TotalSeconds > 0 ? Events / elapsed.TotalSeconds : 0;
            TimeSpan? eta = done ? TimeSpan.Zero : fraction > 0.001 ? elapsed * ((1 - fraction) / fraction) : null;
            return new BacktestProgress(fraction * 100, done ? toMs : SimulatedMs, Events, rate, eta);
        }
    }
}
