using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Live;
using Microsoft.AspNetCore.SignalR;

namespace ArbitrageEngine.Web.Hubs;

/// <summary>
/// Forwards notifier events to SignalR groups. Sends are not awaited, so one slow client cannot hold up the
/// notifier (and the Blazor pages behind it); while too many sends are still in flight — a client that stopped
/// reading — price ticks are dropped (counted) instead of queued; position, evaluation and strategy events are
/// always sent. The engine itself never waits for any of this: it only enqueues into the notifier.
/// </summary>
public sealed class MarketHubBroadcaster(LiveNotifier notifier, IHubContext<MarketHub> hub, PipelineMetrics metrics) : IHostedService
{
    internal const int MaxInFlight = 256;
    private IDisposable? _subscription;
    private IDisposable? _gauges;
    private long _inFlight;
    private long _droppedPrices;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = notifier.Subscribe(SendAsync);
        _gauges = metrics.TrackDropped("hub_price_ticks", () => Interlocked.Read(ref _droppedPrices));
        return Task.CompletedTask;
    }

    private Task SendAsync(LiveEvent e)
    {
        if (e is PriceTickEvent && Interlocked.Read(ref _inFlight) >= MaxInFlight)
        {
            Interlocked.Increment(ref _droppedPrices);
            return Task.CompletedTask;
        }

        Interlocked.Increment(ref _inFlight);
        var send = Send(e);
        if (send.IsCompleted)
        {
            Interlocked.Decrement(ref _inFlight);
            return Task.CompletedTask;
        }

        _ = send.ContinueWith(_ => Interlocked.Decrement(ref _inFlight), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    private Task Send(LiveEvent e) => e switch
    {
        PriceTickEvent p => hub.Clients.Groups(MarketHub.SymbolGroup(p.Symbol), MarketHub.AllGroup).SendAsync("price", p),
        PositionEvent p => hub.Clients.Groups(MarketHub.StrategyGroup(p.StrategyId), MarketHub.AllGroup).SendAsync("position", p),
        EvaluationEvent ev => hub.Clients.Group(MarketHub.AllGroup).SendAsync("evaluation", ev),
        StrategyChangedEvent s => hub.Clients.Groups(MarketHub.StrategyGroup(s.StrategyId), MarketHub.AllGroup).SendAsync("strategy", s),
        _ => Task.CompletedTask,
    };

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        _gauges?.Dispose();
        return Task.CompletedTask;
    }
}
