using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Engine.Persistence.Paper;

/// <summary>One stored evaluation (signal_evaluations row) with its full result.</summary>
public sealed record EvaluationRow(long Ts, string Symbol, double Score, string? Direction, string? Signal, string? Tier, bool? GatePassed, string? GateBlock, string? Regime, JsonElement Result);

/// <summary>One stored position (paper_trades row) for lists.</summary>
public sealed record TradeRow(long PositionId, string Symbol, string Direction, string Status, string Tier, double Score, double Entry, long EntryTs,
    double? ExitPrice, long? ExitTs, double Sl, double Tp1, double Tp2, bool Tp1Hit, double? PnlR, decimal? PnlUsdt, decimal RiskUsd);

/// <summary>A point of the equity curve: after each closed trade, cumulative R and USDT.</summary>
public sealed record EquityPoint(long TimeMs, double CumulativeR, double CumulativeUsdt);

/// <summary>Closed-trade aggregates of one strategy (plaza card figures), computed in SQL.</summary>
public sealed record TradeAggregate(Guid StrategyId, int TradeCount, int Wins, int Losses, double NetR, double NetUsdt, double AvgWinR, double AvgLossR,
    double PnlR24h, double PnlUsdt24h, long? LastExitTs, long? LastEntryTs)
{
    public double WinRate => TradeCount == 0 ? 0 : (double)Wins / TradeCount;
}

/// <summary>Filters for the evaluation log.</summary>
public sealed record EvaluationFilter(long? BeforeTs = null, int Limit = 50, bool SignalsOnly = false, bool BlockedOnly = false, string? Gate = null);

/// <summary>Read-side queries over paper trading for the API and pages (paged, newest first).</summary>
public sealed class PaperQueries(NpgsqlDataSource dataSource)
{
    public const int MaxPage = 500;

    public async Task<IReadOnlyList<EvaluationRow>> EvaluationsAsync(Guid strategyId, EvaluationFilter filter, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT ts, symbol, score, direction, signal, tier, gate_passed, gate_block, regime, result::text
            FROM signal_evaluations
            WHERE strategy_id = $1 AND ($2::bigint IS NULL OR ts < $2)
              AND (NOT $3 OR signal IS NOT NULL)
              AND (NOT $4 OR gate_passed = false)
              AND ($5::text IS NULL OR split_part(gate_block, '(', 1) = $5)
            ORDER BY ts DESC LIMIT $6
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = strategyId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.BeforeTs ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = filter.SignalsOnly });
        cmd.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = filter.BlockedOnly });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.Gate ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Clamp(filter.Limit, 1, MaxPage) });
        var result = new List<EvaluationRow>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            using var doc = JsonDocument.Parse(r.GetString(9));
            result.Add(new EvaluationRow(r.GetInt64(0), r.GetString(1), r.GetDouble(2), Str(r, 3), Str(r, 4), Str(r, 5),
                r.IsDBNull(6) ? null : r.GetBoolean(6), Str(r, 7), Str(r, 8), doc.RootElement.Clone()));
        }

        return result;
    }

    public async Task<IReadOnlyList<TradeRow>> TradesAsync(Guid strategyId, int page, int size, string? status, CancellationToken cancellationToken = default)
    {
        size = Math.Clamp(size, 1, MaxPage);
        await using var cmd = dataSource.CreateCommand("""
            SELECT position_id, symbol, direction, status, tier, score, entry_price, entry_ts, exit_price, exit_ts, sl, tp1, tp2, tp1_hit, pnl_r, pnl_usdt, risk_usd
            FROM paper_trades WHERE strategy_id = $1 AND ($2::text IS NULL OR status = $2)
            ORDER BY entry_ts DESC, position_id DESC OFFSET $3 LIMIT $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = strategyId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(0, page - 1) * size });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = size });
        var result = new List<TradeRow>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new TradeRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetDouble(5), r.GetDouble(6), r.GetInt64(7),
                r.IsDBNull(8) ? null : r.GetDouble(8), r.IsDBNull(9) ? null : r.GetInt64(9), r.GetDouble(10), r.GetDouble(11), r.GetDouble(12), r.GetBoolean(13),
                r.IsDBNull(14) ? null : r.GetDouble(14), r.IsDBNull(15) ? null : r.GetDecimal(15), r.GetDecimal(16)));
        }

        return result;
    }

    /// <summary>
    /// One aggregate row per strategy that has trades (win = pnl_r &gt; 0, loss = pnl_r &lt; 0, as in PaperStatistics);
    /// one grouped scan instead of loading every trade, so a 1,000-card plaza stays fast.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, TradeAggregate>> AggregatesAsync(long nowMs, Guid? strategyId = null, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT strategy_id,
                   count(*) FILTER (WHERE exit_ts IS NOT NULL),
                   count(*) FILTER (WHERE exit_ts IS NOT NULL AND pnl_r > 0),
                   count(*) FILTER (WHERE exit_ts IS NOT NULL AND pnl_r < 0),
                   coalesce(sum(pnl_r) FILTER (WHERE exit_ts IS NOT NULL), 0),
                   coalesce(sum(pnl_usdt) FILTER (WHERE exit_ts IS NOT NULL), 0),
                   coalesce(avg(pnl_r) FILTER (WHERE exit_ts IS NOT NULL AND pnl_r > 0), 0),
                   coalesce(avg(pnl_r) FILTER (WHERE exit_ts IS NOT NULL AND pnl_r < 0), 0),
                   coalesce(sum(pnl_r) FILTER (WHERE exit_ts > $1), 0),
                   coalesce(sum(pnl_usdt) FILTER (WHERE exit_ts > $1), 0),
                   max(exit_ts), max(entry_ts)
            FROM paper_trades WHERE $2::uuid IS NULL OR strategy_id = $2 GROUP BY strategy_id
            """);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = nowMs - 86_400_000 });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)strategyId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        var result = new Dictionary<Guid, TradeAggregate>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = r.GetGuid(0);
            result[id] = new TradeAggregate(id, (int)r.GetInt64(1), (int)r.GetInt64(2), (int)r.GetInt64(3), r.GetDouble(4), (double)r.GetDecimal(5),
                r.GetDouble(6), r.GetDouble(7), r.GetDouble(8), (double)r.GetDecimal(9), r.IsDBNull(10) ? null : r.GetInt64(10), r.IsDBNull(11) ? null : r.GetInt64(11));
        }

        return result;
    }

    /// <summary>Cumulative R and USDT after each closed trade, in exit order.</summary>
    public static IReadOnlyList<EquityPoint> Equity(IEnumerable<ArbitrageEngine.Engine.Paper.ClosedTrade> trades)
    {
        double r = 0, u = 0;
        return [.. trades.OrderBy(t => t.ExitTimeMs).Select(t => new EquityPoint(t.ExitTimeMs, r += t.PnlR, u += t.PnlUsdt))];
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
