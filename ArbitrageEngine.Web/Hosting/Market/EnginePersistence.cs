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
    /// <summary>A write that fails this many times for a non-transient reason goes to the dead-letter table.</summary>
    public const int MaxAttempts = 5;

    /// <summary>
    /// Queued writes beyond which new ticks are stored without their evaluation rows (positions, commands, cooldowns and
    /// the tick itself are always kept): memory stays bounded through a long outage.
    /// </summary>
    public const int MaxPending = 20_000;

    private sealed record Operation(long RequiredTrades, string Kind, object Payload, Func<CancellationToken, Task> Write);

    // Unbounded on purpose: a close must never be dropped; an outage queues ~100 KB of evaluations per tick.
    private readonly Channel<Operation> _operations = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<Guid, long> _lastSignals = [];
    private Guid _session;
    private TickState? _tick;
    private long _pending;
    private long _failures;
    private long _deadLettered;
    private long _evaluationsShed;

    /// <summary>Writes parked in <c>persistence_dead_letters</c> after <see cref="MaxAttempts"/> non-transient failures.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Evaluation rows not stored because the queue was over <see cref="MaxPending"/>.</summary>
    public long EvaluationsShed => Interlocked.Read(ref _evaluationsShed);

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
                Post("tp1", t.Position, async ct =>
                {
                    await store.MarkTp1Async(t.Position, ct);
                    stored?.Invoke(tp1);
                });
                break;
            case PositionClosed c:
                var closed = LiveNotifier.PositionSnapshot("closed", c.Position, c.BalanceAfter);
                Post("close", c, async ct =>
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
                Post("skipped_tick", s, ct => journal.RecordSkippedTickAsync(s.TickMs, session, s.Reason, ct));
                break;
        }
    }

    private void EndTick(TickState tick, TickCompleted done)
    {
        var state = tick.Evaluations.Select(r => (r.StrategyId, _lastSignals.TryGetValue(r.StrategyId, out var t) ? t : (long?)null)).ToList();
        IReadOnlyList<ScoreResult> evaluations = tick.Evaluations;
        if (Pending > MaxPending)
        {
            Interlocked.Add(ref _evaluationsShed, evaluations.Count);
            LogShedding(logger, Pending, evaluations.Count);
            evaluations = [];
        }

        var batch = new TickBatch(tick.TickMs, _session, done.Evaluated, tick.Commands, tick.Opened, tick.Closed, evaluations, state, tick.Features);
        var events = tick.Opened.Select(p => LiveNotifier.PositionSnapshot("opened", p, null))
            .Concat(tick.Closed.Select(c => LiveNotifier.PositionSnapshot("closed", c.Item1, c.Item2)))
            .ToList();
        Post("tick", batch, async ct =>
        {
            await journal.WriteTickAsync(batch, ct);
            foreach (var e in events)
            {
                stored?.Invoke(e);
            }
        });
    }

    private void Post(string kind, object payload, Func<CancellationToken, Task> write)
    {
        if (_operations.Writer.TryWrite(new Operation(tradesEnqueued(), kind, payload, write)))
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
            var attempts = 0;
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
                    // An outage (connection refused, timeout) is retried for ever: the write is fine, the database is away.
                    // Anything else that keeps failing would block every later write: park it and move on.
                    if (!IsTransient(ex) && ++attempts >= MaxAttempts && await TryDeadLetterAsync(operation, ex, attempts, cancellationToken))
                    {
                        Interlocked.Decrement(ref _pending);
                        break;
                    }

                    LogWriteFailed(logger, ex, delay.TotalSeconds);
                    await Task.Delay(delay, cancellationToken);
                    delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
                }
            }
        }
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        Npgsql.PostgresException pg => pg.IsTransient,
        Npgsql.NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException or IOException or TimeoutException,
        TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    private async Task<bool> TryDeadLetterAsync(Operation operation, Exception ex, int attempts, CancellationToken cancellationToken)
    {
        try
        {
            var payload = System.Text.Json.JsonSerializer.Serialize(operation.Payload, operation.Payload.GetType(), EngineCommandJson.Options);
            await journal.DeadLetterAsync(operation.Kind, payload, ex.Message, attempts, cancellationToken);
            Interlocked.Increment(ref _deadLettered);
            LogDeadLettered(logger, ex, operation.Kind, attempts);
            return true;
        }
        catch (Exception dead) when (dead is not OperationCanceledException)
        {
            LogWriteFailed(logger, dead, 0);
            return false;
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

    [LoggerMessage(Level = LogLevel.Critical, Message = "ALERT: a {Kind} write failed {Attempts} times and was moved to persistence_dead_letters")]
    private static partial void LogDeadLettered(ILogger logger, Exception ex, string kind, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Persistence queue at {Pending} writes: {Count} evaluation rows of this tick not stored")]
    private static partial void LogShedding(ILogger logger, long pending, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown: a result whose trades were not stored was not written (the next start redoes it)")]
    private static partial void LogDroppedUnstored(ILogger logger);
}
