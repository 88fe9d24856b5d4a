using ArbitrageEngine.Engine.Persistence.Paper;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Web.Strategies;

/// <summary>One point of the CVD chart, read from a stored evaluation.</summary>
public sealed record CvdPoint(long Ts, double CvdFast, double CvdSlow, double Price);

/// <summary>Win/loss filter of the trade history (closed trades only for win and loss).</summary>
public enum TradeOutcome
{
    All,
    Win,
    Loss,
}

/// <summary>
/// Trade-history filters. <see cref="Status"/>: null = all, "open" = active or tp1_hit, else one status.
/// The date range applies to the entry time (inclusive from, exclusive to).
/// </summary>
public sealed record TradeFilter(string? Status = null, TradeOutcome Outcome = TradeOutcome.All, long? FromMs = null, long? ToMs = null, int Page = 1, int Size = 25);

/// <summary>One page of trades and how many match the filter.</summary>
public sealed record TradePage(IReadOnlyList<TradeRow> Rows, int Total);

/// <summary>Read queries of the strategy detail page that <see cref="PaperQueries"/> does not have.</summary>
public sealed class DetailQueries(NpgsqlDataSource dataSource)
{
    /// <summary>Upper bound of a CSV export, so one click cannot pull an unbounded table into the circuit.</summary>
    public const int MaxExport = 20_000;

    /// <summary>CVD fast/slow and price of each stored evaluation in [fromMs, toMs], oldest first.</summary>
    public async Task<IReadOnlyList<CvdPoint>> CvdSeriesAsync(Guid strategyId, long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT ts, (result->>'cvd_fast')::float8, (result->>'cvd_slow')::float8, (result->>'price')::float8
            FROM signal_evaluations
            WHERE strategy_id = $1 AND ts >= $2 AND ts <= $3 AND result->>'cvd_fast' IS NOT NULL
            ORDER BY ts
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = strategyId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        var result = new List<CvdPoint>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new CvdPoint(r.GetInt64(0), D(r, 1), D(r, 2), D(r, 3)));
        }

        return result;
    }

    /// <summary>Trades of a strategy, newest entry first, filtered and paged, with the total count.</summary>
    public async Task<TradePage> TradesAsync(Guid strategyId, TradeFilter filter, CancellationToken cancellationToken = default)
    {
        var size = Math.Clamp(filter.Size, 1, MaxExport);
        await using var cmd = dataSource.CreateCommand("""
            SELECT position_id, symbol, direction, status, tier, score, entry_price, entry_ts, exit_price, exit_ts, sl, tp1, tp2, tp1_hit, pnl_r, pnl_usdt, risk_usd,
                   count(*) OVER ()
            FROM paper_trades
            WHERE strategy_id = $1
              AND ($2::text IS NULL OR ($2 = 'open' AND status IN ('active', 'tp1_hit')) OR status = $2)
              AND ($3 <> 'win' OR (exit_ts IS NOT NULL AND pnl_r > 0))
              AND ($3 <> 'loss' OR (exit_ts IS NOT NULL AND pnl_r < 0))
              AND ($4::bigint IS NULL OR entry_ts >= $4)
              AND ($5::bigint IS NULL OR entry_ts < $5)
            ORDER BY entry_ts DESC, position_id DESC OFFSET $6 LIMIT $7
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = strategyId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = filter.Outcome.ToString().ToLowerInvariant() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.FromMs ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.ToMs ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, filter.Page - 1) * size });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = size });
        var rows = new List<TradeRow>();
        var total = 0;
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new TradeRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetDouble(5), r.GetDouble(6), r.GetInt64(7),
                r.IsDBNull(8) ? null : r.GetDouble(8), r.IsDBNull(9) ? null : r.GetInt64(9), r.GetDouble(10), r.GetDouble(11), r.GetDouble(12), r.GetBoolean(13),
                r.IsDBNull(14) ? null : r.GetDouble(14), r.IsDBNull(15) ? null : r.GetDecimal(15), r.GetDecimal(16)));
            total = (int)r.GetInt64(17);
        }

        // An empty page past the end still needs the total (for the pager), so count separately only then.
        if (rows.Count == 0 && filter.Page > 1)
        {
            var first = await TradesAsync(strategyId, filter with { Page = 1, Size = 1 }, cancellationToken).ConfigureAwait(false);
            total = first.Total;
        }

        return new TradePage(rows, total);
    }

    private static double D(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);
}
