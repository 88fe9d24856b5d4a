using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace ArbitrageEngine.Web.Hubs;

/// <summary>
/// SignalR hub for external clients (/hubs/market, authenticated). Clients join groups: a symbol's prices
/// ("symbol:BTCUSDT"), a strategy's positions and evaluations ("strategy:{id}"), or everything ("all").
/// Events: "price", "position", "evaluation", "strategy".
/// </summary>
[Authorize]
public sealed class MarketHub : Hub
{
    public const string Path = "/hubs/market";

    public Task SubscribeSymbol(string symbol) => Groups.AddToGroupAsync(Context.ConnectionId, SymbolGroup(symbol));

    public Task UnsubscribeSymbol(string symbol) => Groups.RemoveFromGroupAsync(Context.ConnectionId, SymbolGroup(symbol));

    public Task SubscribeStrategy(Guid strategyId) => Groups.AddToGroupAsync(Context.ConnectionId, StrategyGroup(strategyId));

    public Task SubscribeAll() => Groups.AddToGroupAsync(Context.ConnectionId, AllGroup);

    public const string AllGroup = "all";

    public static string SymbolGroup(string symbol) => "symbol:" + symbol.ToUpperInvariant();

    public static string StrategyGroup(Guid strategyId) => "strategy:" + strategyId.ToString("D");
}
