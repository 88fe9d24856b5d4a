using ArbitrageEngine.Engine.Persistence.Entities;
using ArbitrageEngine.Engine.Strategies;
using Microsoft.EntityFrameworkCore;

namespace ArbitrageEngine.Engine.Persistence.Strategies;

/// <summary>Seeds the 72-strategy factory grid on first start (no strategy stored yet); idempotent by id.</summary>
public static class StrategySeeder
{
    public static async Task<int> SeedIfEmptyAsync(DbContext db, IReadOnlyCollection<string> symbols, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Set<StrategyRow>().AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        var order = 0;
        foreach (var definition in StrategyFactoryGrid.Create(symbols))
        {
            var row = new StrategyRow { StrategyId = definition.StrategyId, DisplayName = definition.DisplayName };
            StrategyRowMapper.ApplyTo(definition, row, includeBalances: true);
            // Creation order is the evaluation order: keep the grid's order with distinct timestamps.
            row.CreatedAt = row.UpdatedAt = row.StatusChangedAt = now.AddMilliseconds(order++);
            db.Set<StrategyRow>().Add(row);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return order;
    }
}
