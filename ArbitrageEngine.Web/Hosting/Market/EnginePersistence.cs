using System.Threading.Channels;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Persistence.Engine;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Web.Live;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// Persists what the loop does, off the loop, in order, through one writer — subscribed to the loop's event stream
/// like every other reader. Everything one tick changed (command stamps, opens, flips and timeouts, evaluations,
/// cooldowns, the features it read, the tick row) is one transaction; exits between ticks are written one by one.
/// A write waits until every trade it depends on is stored (<paramref name="tradesStored"/> has reached the count
/// enqueued when the event happened), so after a crash the database never holds a result whose trades are missing:
/// a replay of the stored data reproduces it. Position events reach the notifier only once written. The loop never
/// waits for the database: operations queue up and are retried, in order, while it is down.
/// </summary>
public sealed partial class EnginePersistence(
    PaperTradeStore store,
    EngineJournal journal,
    Func<long> tradesEnqueued,
    Func<long> tradesStored,
    ILogger<EnginePersistence> logger,
    Action<LiveEvent>? stored = null) : IEngineEventSink
{
    private sealed record Operation(long RequiredTrades, Func<CancellationToken, Task> Write);

    // Unbounded on purpose: a close must never be dropped; an outage queues ~100 KB of evaluations per tick.
    private readonly Channel<Operation> _operations = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<Guid, long> _lastSignals = [];
    private Guid _session;
    private TickState? _tick;
    private long _pending;
    private long _failures;

    /// <summary>Operations queued and not yet written.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    public long Failures => Interlocked.Read(ref _failures);

    private sealed class TickState(long tickMs)
    {
        public long TickMs { get; } = tickMs;
        public List<(EngineCommand, string?)> Commands { get; } = [];
        public List<PositionSnapshot> Opened { get; } = [];
        public List<(PositionSnapshot, double)> Closed { get; } = [];
        public List<ScoreResult> Evaluations { get; } = [];
        public List<FeatureReading> Features { get; } = [];
    }

    /// <summary>Called by the host when a session starts (before the loop runs): cooldowns as restored.</summary>
    public void StartSession(Guid sessionId, IReadOnlyDictionary<Guid, long> lastSignals)
    {
        _session = sessionId;
        _lastSignals.Clear();
        foreach (var (id, ts) in lastSignals)
        {
            _lastSignals[id] = ts;
        }
    }

    public void Publish(EngineEvent e)
    {
        if (_tick is { } tick)
        {
            switch (e)
            {
                case CommandApplied a:
                    tick.Commands.Add((a.Command, null));
                    return;
                case CommandRejected r:
                    tick.Commands.Add((r.Command, r.Reason));
                    return;
                case FeaturesRecorded f:
                    tick.Features.AddRange(f.Readings);
                    return;
                case EvaluationProduced r:
                    tick.Evaluations.Add(r.Result);
                    if (r.Result.Signal is not null)
                    {
                        _lastSignals[r.Result.StrategyId] = r.Result.TimeMs;
                    }

                    return;
                case PositionOpened o:
                    tick.Opened.Add(o.Position);
                    return;
                case PositionClosed c:
                    tick.Closed.Add((c.Position, c.BalanceAfter));
                    return;
                case TickCompleted done:
                    _tick = null;
                    EndTick(tick, done);
                    return;
            }
        }

        switch (e)
        {
            case TickStarted t:
                _tick = new TickState(t.TickMs);
                break;
            case Tp1Hit t:
                var tp1 = LiveNotifier.PositionSnapshot("tp1", t.Position, null);
                Post(async ct =>
                {
                    await store.MarkTp1Async(t.Position, ct);
                    stored?.Invoke(tp1);
                });
                break;
            case PositionClosed c:
                var closed = LiveNotifier.PositionSnapshot("closed", c.Position, c.BalanceAfter);
                Post(async ct =>
                {
                    if (await store.CloseAsync(c.Position, balanceAfter: c.BalanceAfter, cancellationToken: ct))
                    {
                        stored?.Invoke(closed);
                    }
                    else
                    {
                        LogAlreadyClosed(logger, c.Position.PositionId);
                    }
                });
                break;
            case TickSkipped s:
                var session = _session;
                Post(ct => journal.RecordSkippedTickAsync(s.TickMs, session, s.Reason, ct));
                break;
        }
    }

    private void EndTick(TickState tick, TickCompleted done)
    {
        var state = tick.Evaluations.Select(r => (r.StrategyId, _lastSignals.TryGetValue(r.StrategyId, out var t) ? t : (long?)null)).ToList();
        var batch = new TickBatch(tick.TickMs, _session, done.Evaluated, tick.Commands, tick.Opened, tick.Closed, tick.Evaluations, state, tick.Features);
        var events = tick.Opened.Select(p => LiveNotifier.PositionSnapshot("opened", p, null))
            .Concat(tick.Closed.Select(c => LiveNotifier.PositionSnapshot("closed", c.Item1, c.Item2)))
            .ToList();
        Post(async ct =>
        {
            await journal.WriteTickAsync(batch, ct);
            foreach (var e in events)
            {
                stored?.Invoke(e);
            }
        });
    }

    private void Post(Func<CancellationToken, Task> write)
    {
        if (_operations.Writer.TryWrite(new Operation(tradesEnqueued(), write)))
        {
            Interlocked.Increment(ref _pending);
        }
        else
        {
            LogQueueClosed(logger);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var operation in _operations.Reader.ReadAllAsync(cancellationToken))
        {
            var delay = TimeSpan.FromMilliseconds(250);
            while (true)
            {
                try
                {
                    while (tradesStored() < operation.RequiredTrades)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
                    }

                    await operation.Write(cancellationToken);
                    Interlocked.Decrement(ref _pending);
                    break;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref _failures);
                    LogWriteFailed(logger, ex, delay.TotalSeconds);
                    await Task.Delay(delay, cancellationToken);
                    delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
                }
            }
        }
    }

    /// <summary>
    /// Writes what is queued (graceful shutdown), bounded by <paramref name="cancellationToken"/>; an operation whose
    /// trades never got stored is dropped (a replay could not reproduce it either; the restart redoes it).
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (_operations.Reader.TryRead(out var operation))
        {
            try
            {
                if (tradesStored() < operation.RequiredTrades)
                {
                    LogDroppedUnstored(logger);
                    continue;
                }

                await operation.Write(cancellationToken);
                Interlocked.Decrement(ref _pending);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWriteFailed(logger, ex, 0);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paper/evaluation write failed; retrying in {Seconds} s")]
    private static partial void LogWriteFailed(ILogger logger, Exception ex, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Position {PositionId} was already closed in the database; second close ignored")]
    private static partial void LogAlreadyClosed(ILogger logger, long positionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Persistence queue refused an operation")]
    private static partial void LogQueueClosed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown: a result whose trades were not stored was not written (the next start redoes it)")]
    private static partial void LogDroppedUnstored(ILogger logger);
}
