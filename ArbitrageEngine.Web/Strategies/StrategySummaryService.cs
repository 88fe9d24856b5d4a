using ArbitrageEngine.Web.Persistence;
using ArbitrageEngine.Engine.Persistence.Paper;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Hosting.Market;
using Microsoft.EntityFrameworkCore;

namespace ArbitrageEngine.Web.Strategies;

/// <summary>What a plaza card shows (product.md §4): the strategy, its balances, trade figures and live state.</summary>
public sealed record StrategySummary(
    StrategyDefinition Strategy,
    DateTimeOffset CreatedAt,
    DateTimeOffset StatusChangedAt,
    DateTimeOffset? DeprecatedAt,
    string DisplayStatus,
    TradeAggregate Trades,
    int OpenPositions,
    long? LastEvaluationMs)
{
    public Guid Id => Strategy.StrategyId;

    /// <summary>Last trade activity (exit, else entry), else null.</summary>
    public long? LastTradeMs => Trades.LastExitTs is { } x ? Math.Max(x, Trades.LastEntryTs ?? x) : Trades.LastEntryTs;

    /// <summary>Sort key of "most recent": the last trade, else when it started.</summary>
    public long RecentMs => LastTradeMs ?? CreatedAt.ToUnixTimeMilliseconds();

    public double BalanceRatio => Strategy.InitialBalance <= 0 ? 0 : Strategy.CurrentBalance / Strategy.InitialBalance;
}

/// <summary>
/// Builds plaza cards from the strategies table, one SQL aggregate over paper_trades and the live engine state.
/// Status "error" is a running strategy with no evaluation for 5 minutes (counted from its last status change
/// when it has never been evaluated).
/// </summary>
public sealed class StrategySummaryService(ArbitrageDbContext db, MarketDatabase market, LiveEngineState live, TimeProvider clock)
{
    public static readonly TimeSpan ErrorAfter = TimeSpan.FromMinutes(5);

    public async Task<IReadOnlyList<StrategySummary>> ListAsync(bool deprecated, CancellationToken ct = default)
    {
        var rows = await db.Strategies.AsNoTracking()
            .Where(s => deprecated ? s.Status == "deprecated" : s.Status != "deprecated")
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.StrategyId)
            .ToListAsync(ct);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var aggregates = await new PaperQueries(await market.DataSourceAsync(ct)).AggregatesAsync(now, null, ct);
        var open = live.OpenPositions.GroupBy(p => p.StrategyId).ToDictionary(g => g.Key, g => g.Count());
        return [.. rows.Select(row => Build(row, aggregates, open, now))];
    }

    public async Task<StrategySummary?> FindAsync(Guid id, CancellationToken ct = default)
    {
        var row = await db.Strategies.AsNoTracking().SingleOrDefaultAsync(s => s.StrategyId == id, ct);
        if (row is null)
        {
            return null;
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var aggregates = await new PaperQueries(await market.DataSourceAsync(ct)).AggregatesAsync(now, id, ct);
        var open = new Dictionary<Guid, int> { [id] = live.OpenPositions.Count(p => p.StrategyId == id) };
        return Build(row, aggregates, open, now);
    }

    private StrategySummary Build(Engine.Persistence.Entities.StrategyRow row, IReadOnlyDictionary<Guid, TradeAggregate> aggregates, Dictionary<Guid, int> open, long now)
    {
        var definition = StrategyRowMapper.ToDefinition(row);
        long? lastEval = live.LatestResults.TryGetValue(row.StrategyId, out var r) ? r.TimeMs : null;
        var status = definition.Status.Name();
        if (definition.Status == StrategyStatus.Running)
        {
            // After a restart no strategy has a live result yet: count from when the engine went live (not at all while it warms up).
            var since = Math.Max(lastEval ?? row.StatusChangedAt.ToUnixTimeMilliseconds(), live.LiveSinceMs ?? now);
            if (now - since > ErrorAfter.TotalMilliseconds)
            {
                status = "error";
            }
        }

        var trades = aggregates.TryGetValue(row.StrategyId, out var a) ? a : new TradeAggregate(row.StrategyId, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null);
        return new StrategySummary(definition, row.CreatedAt, row.StatusChangedAt, row.DeprecatedAt, status, trades, open.GetValueOrDefault(row.StrategyId), lastEval);
    }
}
