using System.Threading.Channels;
using ArbitrageEngine.Engine.Configuration;
using ArbitrageEngine.Engine.Loop;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;

namespace ArbitrageEngine.Web.Live;

/// <summary>
/// The in-process notifier (eShop style): Blazor components and the SignalR broadcaster subscribe; subscribing
/// returns an <see cref="IDisposable"/>. The engine loop only enqueues (never waits): a dispatcher task delivers to
/// subscribers, so a slow subscriber cannot slow the engine. Price ticks are coalesced to ≤ 4/s per symbol.
/// Components must marshal callbacks with InvokeAsync.
/// </summary>
public sealed partial class LiveNotifier : IEngineEventSink, IDisposable
{
    private readonly TimeProvider clock;
    private readonly ILogger<LiveNotifier> logger;
    private const long PriceIntervalMs = 250;
    private readonly Channel<LiveEvent> _events;
    private long _dropped;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _lastPricePublish = new(StringComparer.Ordinal);
    private List<EvaluationSummary> _tick = [];
    private ImmutableSubscribers _subscribers = new([]);
    private readonly CancellationTokenSource _stop = new();
    private Task? _dispatcher;

    public LiveNotifier(TimeProvider clock, ILogger<LiveNotifier> logger)
        : this(clock, logger, 10_000)
    {
    }

    private LiveNotifier(TimeProvider clock, ILogger<LiveNotifier> logger, int capacity)
    {
        this.clock = clock;
        this.logger = logger;
        _events = Channel.CreateBounded<LiveEvent>(
            new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Events waiting for delivery to subscribers.</summary>
    public long Pending => _events.Reader.Count;

    /// <summary>Events dropped because subscribers fell 10,000 events behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private sealed record ImmutableSubscribers(Func<LiveEvent, Task>[] Handlers);

    /// <summary>Registers <paramref name="handler"/>; dispose the result to stop receiving.</summary>
    public IDisposable Subscribe(Func<LiveEvent, Task> handler)
    {
        lock (_gate)
        {
            _subscribers = new([.. _subscribers.Handlers, handler]);
            _dispatcher ??= Task.Run(DispatchAsync);
        }

        return new Subscription(this, handler);
    }

    private void Unsubscribe(Func<LiveEvent, Task> handler)
    {
        lock (_gate)
        {
            _subscribers = new([.. _subscribers.Handlers.Where(h => h != handler)]);
        }
    }

    public void Publish(LiveEvent e) => _events.Writer.TryWrite(e);

    /// <summary>The loop's events this notifier turns into live events (positions come from persistence, once stored).</summary>
    public void Publish(EngineEvent e)
    {
        switch (e)
        {
            case PriceChanged p:
                OnPrice(p.Symbol, p.Price, p.TimeMs);
                break;
            case EvaluationProduced r:
                OnResult(r.Result);
                break;
        }
    }

    /// <summary>Publishes a price at most every 250 ms (wall clock) per symbol.</summary>
    public void OnPrice(string symbol, double price, long timeMs)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (_lastPricePublish.TryGetValue(symbol, out var last) && now - last < PriceIntervalMs)
        {
            return;
        }

        _lastPricePublish[symbol] = now;
        Publish(new PriceTickEvent(symbol, price, timeMs));
    }

    private void OnResult(ScoreResult r) =>
        _tick.Add(new EvaluationSummary(r.StrategyId, r.Symbol, r.Score, r.Direction?.Name(), r.Signal?.Name(), r.Tier, r.GateBlock));

    /// <summary>Called by the loop after each tick.</summary>
    public void EndTick(long tickMs, double durationMs)
    {
        var results = _tick;
        _tick = [];
        Publish(new EvaluationEvent(tickMs, clock.GetUtcNow().ToUnixTimeMilliseconds(), durationMs, results));
    }

    // Position events are not published from here: PaperPersistenceSink publishes them once they are stored, so a
    // page that reloads on "closed" finds the trade and the new balance in the database.

    /// <summary>The event for a position as it is now (taken on the engine loop, published after the write).</summary>
    public static PositionEvent PositionSnapshot(string kind, PositionSnapshot p, double? balanceAfter)
    {
        var timeMs = kind switch
        {
            "tp1" => p.Tp1TimeMs ?? p.EntryTimeMs,
            "closed" => p.ExitTimeMs ?? p.EntryTimeMs,
            _ => p.EntryTimeMs,
        };
        return new(kind, p.PositionId, p.StrategyId, p.Symbol, p.Direction.Name(), p.Status.Name(), p.Entry, p.ExitPrice, p.PnlR, p.PnlUsdt, balanceAfter, timeMs);
    }

    private async Task DispatchAsync()
    {
        try
        {
            await foreach (var e in _events.Reader.ReadAllAsync(_stop.Token))
            {
                foreach (var handler in _subscribers.Handlers)
                {
                    // Started, not awaited: a subscriber that renders or queries (a busy browser tab) must not hold up
                    // the others or the hub. Components marshal onto their own circuit, which keeps their order.
                    try
                    {
                        var task = handler(e);
                        if (!task.IsCompletedSuccessfully)
                        {
                            _ = task.ContinueWith(t => LogHandlerFailed(logger, t.Exception!, e.GetType().Name), CancellationToken.None,
                                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                        }
                    }
                    catch (Exception ex)
                    {
                        LogHandlerFailed(logger, ex, e.GetType().Name);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private sealed class Subscription(LiveNotifier owner, Func<LiveEvent, Task> handler) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(handler);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live subscriber failed on {Event}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception ex, string @event);
}
