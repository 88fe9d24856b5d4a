using ArbitrageEngine.Engine.Persistence.Entities;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Persistence;

namespace ArbitrageEngine.Web.Strategies;

/// <summary>
/// The row changes of a strategy creation and a status change, shared by <see cref="StrategyService"/> (one change per
/// transaction) and the auto-evolve applier (a whole run in one transaction), so both store a strategy the same way.
/// </summary>
public static class StrategyRowChanges
{
    /// <summary>Stages the row of a new strategy (balances included) in <paramref name="db"/>.</summary>
    public static StrategyRow AddNew(ArbitrageDbContext db, StrategyDefinition definition, DateTimeOffset now)
    {
        var row = new StrategyRow { StrategyId = definition.StrategyId, DisplayName = definition.DisplayName, CreatedAt = now, UpdatedAt = now, StatusChangedAt = now };
        StrategyRowMapper.ApplyTo(definition, row, includeBalances: true);
        db.Strategies.Add(row);
        return row;
    }

    /// <summary>Sets the status and its timestamps (deprecated_at only while deprecated).</summary>
    public static void SetStatus(StrategyRow row, StrategyStatus to, DateTimeOffset now)
    {
        row.Status = to.Name();
        row.StatusChangedAt = now;
        row.UpdatedAt = now;
        row.DeprecatedAt = to == StrategyStatus.Deprecated ? now : null;
    }
}
