using Npgsql;

namespace ArbitrageEngine.Web.Dashboard;

/// <summary>
/// The first stored trade of a symbol at or after a time (the 24 h open of the dashboard ticker). agg_trades is
/// keyed (symbol, agg_id, time_ms) with no time index, and agg_id grows with time, so this binary-searches agg_id
/// with primary-key probes (~log2 of the id range, one round trip) instead of scanning the day's trades.
/// </summary>
public sealed class DayOpenQuery(Func<CancellationToken, Task<NpgsqlDataSource>> dataSource, Func<CancellationToken, Task<int>> datasetId)
{
    // State (lo, up, best): the answer is the first row with agg_id in [lo, up] and time_ms >= since, else best.
    // Each step probes the first row at or after mid (≤ up): none → the upper half is empty; a row at/after since →
    // it is the best so far and only ids below mid can beat it; an older row → the answer lies after it.
    private const string Sql = """
        WITH RECURSIVE b(lo, up, best) AS (
            SELECT (SELECT min(agg_id) FROM agg_trades WHERE dataset_id = $3 AND symbol = $1),
                   (SELECT max(agg_id) FROM agg_trades WHERE dataset_id = $3 AND symbol = $1),
                   NULL::bigint
            UNION ALL
            SELECT CASE WHEN r.agg_id IS NULL OR r.time_ms >= $2 THEN b.lo ELSE r.agg_id + 1 END,
                   CASE WHEN r.agg_id IS NULL OR r.time_ms >= $2 THEN m.mid - 1 ELSE b.up END,
                   CASE WHEN r.time_ms >= $2 THEN r.agg_id ELSE b.best END
            FROM b
            CROSS JOIN LATERAL (SELECT b.lo + ((b.up - b.lo) / 2) AS mid) m
            LEFT JOIN LATERAL (
                SELECT t.agg_id, t.time_ms FROM agg_trades t
                WHERE t.dataset_id = $3 AND t.symbol = $1 AND t.agg_id >= m.mid AND t.agg_id <= b.up
                ORDER BY t.agg_id LIMIT 1) r ON true
            WHERE b.lo <= b.up
        )
        SELECT t.price, t.time_ms FROM agg_trades t
        WHERE t.dataset_id = $3 AND t.symbol = $1 AND t.agg_id = (SELECT min(best) FROM b)
        LIMIT 1
        """;

    public DayOpenQuery(NpgsqlDataSource dataSource, int datasetId)
        : this(_ => Task.FromResult(dataSource), _ => Task.FromResult(datasetId))
    {
    }

    /// <summary>The first trade of <paramref name="symbol"/> with time ≥ <paramref name="sinceMs"/>, null when none.</summary>
    public async Task<DayOpen?> FirstTradeSinceAsync(string symbol, long sinceMs, CancellationToken cancellationToken = default)
    {
        var source = await dataSource(cancellationToken);
        await using var cmd = source.CreateCommand(Sql);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sinceMs });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = await datasetId(cancellationToken) });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new DayOpen(reader.GetDouble(0), reader.GetInt64(1)) : null;
    }
}
