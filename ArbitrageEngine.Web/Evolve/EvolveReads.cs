using ArbitrageEngine.Engine.Evolve;
using ArbitrageEngine.Engine.Persistence.Strategies;
using ArbitrageEngine.Engine.Strategies;
using ArbitrageEngine.Web.Hosting.Market;
using ArbitrageEngine.Web.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ArbitrageEngine.Web.Evolve;

/// <summary>A stored strategy with its creation time (retirement age).</summary>
public sealed record StoredStrategy(StrategyDefinition Definition, DateTimeOffset CreatedAt);

/// <summary>The inputs of a run read from the database: strategies, closed trades by exit time, regime figures.</summary>
public sealed class EvolveReads(MarketDatabase database)
{
    public static async Task<IReadOnlyList<StoredStrategy>> StrategiesAsync(ArbitrageDbContext db, CancellationToken ct) =>
        [.. (await db.Strategies.AsNoTracking().OrderBy(s => s.CreatedAt).ThenBy(s => s.StrategyId).ToListAsync(ct))
            .Select(r => new StoredStrategy(StrategyRowMapper.ToDefinition(r), r.CreatedAt))];

    /// <summary>pnl_r of the closed trades of <paramref name="ids"/> with exit time in [fromMs, toMs), per strategy.</summary>
    public async Task<IReadOnlyDictionary<Guid, List<double>>> ClosedPnlAsync(IReadOnlyCollection<Guid> ids, long fromMs, long toMs, CancellationToken ct)
    {
        var result = new Dictionary<Guid, List<double>>();
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand("""
            SELECT strategy_id, pnl_r FROM paper_trades
            WHERE status NOT IN ('active', 'tp1_hit') AND pnl_r IS NOT NULL AND exit_ts >= $1 AND exit_ts < $2 AND strategy_id = ANY($3)
            ORDER BY exit_ts, position_id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetGuid(0);
            if (!result.TryGetValue(id, out var list))
            {
                result[id] = list = [];
            }

            list.Add(r.GetDouble(1));
        }

        return result;
    }

    /// <summary>
    /// evolve.md §3 over the evaluations of <paramref name="ids"/> in [fromMs, toMs). Empty evaluations (engine not
    /// warm: no gate result) carry no ATR or slope and are left out.
    /// </summary>
    public async Task<RegimeFigures> RegimeAsync(IReadOnlyCollection<Guid> ids, long fromMs, long toMs, CancellationToken ct)
    {
        await using var cmd = (await database.DataSourceAsync(ct)).CreateCommand("""
            SELECT count(*),
                   coalesce(avg((result->>'atr_pct')::float8), 0),
                   coalesce(avg(abs((result->>'cvd_fast_slope')::float8)), 0),
                   coalesce(avg(CASE WHEN signal IS NOT NULL THEN 1.0 ELSE 0.0 END), 0)::float8
            FROM signal_evaluations
            WHERE strategy_id = ANY($1) AND ts >= $2 AND ts < $3 AND gate_passed IS NOT NULL
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new RegimeFigures(r.GetDouble(1), r.GetDouble(2), r.GetDouble(3), r.GetInt64(0));
    }
}
