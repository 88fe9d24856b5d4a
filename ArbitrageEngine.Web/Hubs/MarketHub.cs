using ArbitrageEngine.Web.Accounts;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Hubs;

/// <summary>
/// SignalR hub for external clients (/hubs/market, authenticated). Clients join groups: a symbol's prices
/// ("symbol:BTCUSDT"), a strategy's positions and evaluations ("strategy:{id}"), or everything ("all").
/// Events: "price", "position", "evaluation", "strategy". Only configured symbols and existing strategies are
/// groups, and one connection is in at most <see cref="AccountsOptions.MaxHubGroupsPerConnection"/> groups.
/// Connections opened with an API token are tracked so that revoking the token closes them.
/// </summary>
[Authorize]
public sealed class MarketHub(IOptions<MarketOptions> market, IOptions<AccountsOptions> accounts, ApiTokenConnections tokenConnections, ArbitrageDbContext db) : Hub
{
    public const string Path = "/hubs/market";

    private const string GroupsKey = "ae:groups";

    public override Task OnConnectedAsync()
    {
        if (ApiTokenClaims.TokenIdOf(Context.User!) is { } tokenId)
        {
            tokenConnections.Add(tokenId, Context);
        }

        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        tokenConnections.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public Task SubscribeSymbol(string symbol)
    {
        var configured = market.Value.Symbols.Length > 0 ? market.Value.Symbols : MarketOptions.DefaultSymbols;
        if (string.IsNullOrEmpty(symbol) || !configured.Contains(symbol.ToUpperInvariant(), StringComparer.Ordinal))
        {
            throw new HubException($"Unknown symbol; subscribe to one of {string.Join(", ", configured)}.");
        }

        return JoinAsync(SymbolGroup(symbol));
    }

    public Task UnsubscribeSymbol(string symbol) => LeaveAsync(SymbolGroup(symbol ?? ""));

    public async Task SubscribeStrategy(Guid strategyId)
    {
        if (!await db.Strategies.AsNoTracking().AnyAsync(s => s.StrategyId == strategyId, Context.ConnectionAborted))
        {
            throw new HubException("No such strategy.");
        }

        await JoinAsync(StrategyGroup(strategyId));
    }

    public Task UnsubscribeStrategy(Guid strategyId) => LeaveAsync(StrategyGroup(strategyId));

    public Task SubscribeAll() => JoinAsync(AllGroup);

    private Task JoinAsync(string group)
    {
        var groups = JoinedGroups();
        lock (groups)
        {
            if (!groups.Contains(group) && groups.Count >= accounts.Value.MaxHubGroupsPerConnection)
            {
                throw new HubException($"At most {accounts.Value.MaxHubGroupsPerConnection} subscriptions per connection; unsubscribe first.");
            }

            groups.Add(group);
        }

        return Groups.AddToGroupAsync(Context.ConnectionId, group);
    }

    private Task LeaveAsync(string group)
    {
        var groups = JoinedGroups();
        lock (groups)
        {
            groups.Remove(group);
        }

        return Groups.RemoveFromGroupAsync(Context.ConnectionId, group);
    }

    private HashSet<string> JoinedGroups() => (HashSet<string>)(Context.Items.TryGetValue(GroupsKey, out var set) ? set! : Context.Items[GroupsKey] = new HashSet<string>(StringComparer.Ordinal));

    public const string AllGroup = "all";

    public static string SymbolGroup(string symbol) => "symbol:" + symbol.ToUpperInvariant();

    public static string StrategyGroup(Guid strategyId) => "strategy:" + strategyId.ToString("D");
}
