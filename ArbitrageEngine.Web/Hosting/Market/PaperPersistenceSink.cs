using System.Threading.Channels;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Live;

namespace ArbitrageEngine.Web.Hosting.Market;

/// <summary>
/// Persists what the engine does — positions (open, TP1, close with the balance in the same transaction), every
/// evaluation result (one COPY per tick) and cooldowns — off the engine loop, in order, through one writer.
/// The engine never waits for the database: operations queue up and are retried, in order, while it is down.
/// Position events reach the notifier (<c>stored</c>) only once written.
/// </summary>
public sealed partial class PaperPersistenceSink(PaperTradeStore store, ILogger<PaperPersistenceSink> logger, Action<LiveEvent>? stored = null) : IEngineEventSink
{
    // Unbounded on purpose: a close must never be dropped; an outage queues ~100 KB of evaluations per tick.
    private readonly Channel<Func<CancellationToken, Task>> _operations = Channel.CreateUnbounded<Func<CancellationToken, Task>>(
        new UnboundedChannelOptions { SingleReader = true });
    private List<ScoreResult> _tickResults = [];
    private long _failures;

    public long Failures => Interlocked.Read(ref _failures);

    private long _pending;

    /// <summary>Operations queued and not yet written.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    public void OnResult(ScoreResult result, StrategyDefinition strategy) => _tickResults.Add(result);

    // Each position event is snapshotted on the engine loop and announced (stored) only after its write commits.
    public void OnPositionOpened(PaperPosition position)
    {
        var e = LiveNotifier.PositionSnapshot("opened", position, null);
        Post(async ct =>
        {
            await store.InsertOpenAsync(position, ct);
            stored?.Invoke(e);
        });
    }

    public void OnTp1(PaperPosition position)
    {
        var e = LiveNotifier.PositionSnapshot("tp1", position, null);
        Post(async ct =>
        {
            await store.MarkTp1Async(position, ct);
            stored?.Invoke(e);
        });
    }

    public void OnPositionClosed(PaperPosition position, double balanceAfter)
    {
        var e = LiveNotifier.PositionSnapshot("closed", position, balanceAfter);
        Post(async ct =>
        {
            if (await store.CloseAsync(position, cancellationToken: ct))
            {
                stored?.Invoke(e);
            }
            else
            {
                LogAlreadyClosed(logger, position.PositionId);
            }
        });
    }

    /// <summary>Called by the loop after each tick: queues the tick's results and the cooldown state.</summary>
    public void EndTick(long tickMs, IReadOnlyDictionary<Guid, long> lastSignals, IEnumerable<Guid> running)
    {
        var results = _tickResults;
        _tickResults = [];
        var states = running.Select(id => (id, lastSignals.TryGetValue(id, out var t) ? t : (long?)null, tickMs)).ToList();
        Post(ct => store.WriteEvaluationsAsync(results, ct));
        Post(ct => store.SaveEngineStateAsync(states, ct));
    }

    private void Post(Func<CancellationToken, Task> operation)
    {
        if (_operations.Writer.TryWrite(operation))
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
                    await operation(cancellationToken);
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

    /// <summary>Writes what is queued (graceful shutdown), bounded by <paramref name="cancellationToken"/>.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (_operations.Reader.TryRead(out var operation))
        {
            try
            {
                await operation(cancellationToken);
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
}
