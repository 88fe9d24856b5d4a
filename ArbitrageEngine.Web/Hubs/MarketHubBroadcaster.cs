using ArbitrageEngine.Web.Live;
using Microsoft.AspNetCore.SignalR;

namespace ArbitrageEngine.Web.Hubs;

/// <summary>
/// Forwards notifier events to SignalR groups. Sends are fire-and-forget per event: SignalR queues per connection,
/// and price ticks are already coalesced, so a slow client lags alone and never holds up the engine.
/// </summary>
public sealed class MarketHubBroadcaster(LiveNotifier notifier, IHubContext<MarketHub> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = notifier.Subscribe(SendAsync);
        return Task.CompletedTask;
    }

    private Task SendAsync(LiveEvent e) => e switch
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
        return Task.CompletedTask;
    }
}
