namespace ArbitrageEngine.Engine.Persistence.Entities;

/// <summary>Per-symbol progress of stored aggregate trades (agg_trades itself is raw SQL, partitioned by month).</summary>
public sealed class AggTradesMeta
{
    public required string Symbol { get; set; }

    public long LastAggId { get; set; }

    public long LastTimeMs { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}
