using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ArbitrageEngine.Web.Accounts;

/// <summary>
/// Live hub connections opened with an API token. Revoking a token aborts its connections at once; a background
/// pass re-checks every token (revoked elsewhere, expired, owner banned) each <see cref="AccountsOptions.TokenRecheckSeconds"/>.
/// </summary>
public sealed class ApiTokenConnections
{
    private readonly ConcurrentDictionary<string, (Guid TokenId, HubCallerContext Context)> connections = new();

    public int Count => connections.Count;

    public void Add(Guid tokenId, HubCallerContext context) => connections[context.ConnectionId] = (tokenId, context);

    public void Remove(string connectionId) => connections.TryRemove(connectionId, out _);

    public IReadOnlyCollection<Guid> TokenIds() => connections.Values.Select(c => c.TokenId).Distinct().ToList();

    /// <summary>Closes every connection of the token.</summary>
    public int Abort(Guid tokenId) => AbortWhere(c => c == tokenId);

    public int AbortWhere(Func<Guid, bool> predicate)
    {
        var aborted = 0;
        foreach (var (id, entry) in connections)
        {
            if (predicate(entry.TokenId) && connections.TryRemove(id, out _))
            {
                entry.Context.Abort();
                aborted++;
            }
        }

        return aborted;
    }
}

/// <summary>The periodic re-check of token-authenticated hub connections.</summary>
public sealed partial class ApiTokenRecheckService(
    ApiTokenConnections connections,
    IServiceScopeFactory scopes,
    IOptions<AccountsOptions> options,
    TimeProvider clock,
    ILogger<ApiTokenRecheckService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.TokenRecheckSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var ids = connections.TokenIds();
                if (ids.Count == 0)
                {
                    continue;
                }

                await using var scope = scopes.CreateAsyncScope();
                var active = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().StillActiveAsync(ids, stoppingToken);
                var closed = connections.AbortWhere(id => !active.Contains(id));
                if (closed > 0)
                {
                    LogClosed(logger, closed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Count} hub connections whose API token is no longer valid")]
    private static partial void LogClosed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "API token re-check failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
