using System.Text.Json;
using ArbitrageEngine.Engine.Paper;
using ArbitrageEngine.Engine.Scoring;
using ArbitrageEngine.Engine.Strategies;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Engine.Persistence.Paper;

/// <summary>
/// Positions in <c>paper_trades</c> (open, TP1, close) and the per-strategy engine state. A close updates the row
/// only while it is still open and at the version read (optimistic concurrency), and credits
/// <c>strategies.current_balance</c> in the same transaction — so a position is closed once, with one result,
/// whoever tries twice.
/// </summary>
public sealed class PaperTradeStore(NpgsqlDataSource dataSource)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public Task InsertOpenAsync(PaperPosition p, CancellationToken cancellationToken = default) => InsertOpenAsync(p.ToSnapshot(), cancellationToken);

    public async Task InsertOpenAsync(PositionSnapshot p, CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await InsertOpenAsync(conn, null, p, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task InsertOpenAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, PositionSnapshot p, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO paper_trades (position_id, strategy_id, symbol, direction, score, tier, entry_price, entry_ts, tp1, tp2, sl, stop,
                tp1_hit, status, risk_usd, atr, rd, tp1_ratio, tp2_ratio, timeout_minutes, fee_rate, factors, strategy_snapshot)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, false, 'active', $13, $14, $15, $16, $17, $18, $19, $20, $21)
            ON CONFLICT (position_id) DO NOTHING
            """, conn, tx);
        var ps = cmd.Parameters;
        ps.Add(new NpgsqlParameter<long> { TypedValue = p.PositionId });
        ps.Add(new NpgsqlParameter<Guid> { TypedValue = p.StrategyId });
        ps.Add(new NpgsqlParameter<string> { TypedValue = p.Symbol });
        ps.Add(new NpgsqlParameter<string> { TypedValue = p.Direction.Name() });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.Score });
        ps.Add(new NpgsqlParameter<string> { TypedValue = p.Tier });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.Entry });
        ps.Add(new NpgsqlParameter<long> { TypedValue = p.EntryTimeMs });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.Tp1 });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.Tp2 });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.Sl });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.Stop });
        ps.Add(new NpgsqlParameter<decimal> { TypedValue = (decimal)p.RiskUsd });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.Atr });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.Rd });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.Tp1Ratio });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.Tp2Ratio });
        ps.Add(new NpgsqlParameter<int> { TypedValue = p.TimeoutMinutes });
        ps.Add(new NpgsqlParameter<double> { TypedValue = p.FeeRate });
        ps.Add(new NpgsqlParameter { Value = p.Factors is null ? "{}" : JsonSerializer.Serialize(p.Factors, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        ps.Add(new NpgsqlParameter { Value = p.StrategySnapshot is null ? "{}" : JsonSerializer.Serialize(p.StrategySnapshot, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task MarkTp1Async(PaperPosition p, CancellationToken cancellationToken = default) => MarkTp1Async(p.ToSnapshot(), cancellationToken);

    public async Task MarkTp1Async(PositionSnapshot p, CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await MarkTp1Async(conn, null, p, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task MarkTp1Async(NpgsqlConnection conn, NpgsqlTransaction? tx, PositionSnapshot p, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(
            "UPDATE paper_trades SET tp1_hit = true, tp1_ts = $2, stop = $3, tp1_agg_id = $4, status = 'tp1_hit', version = version + 1 WHERE position_id = $1 AND status = 'active'",
            conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = p.PositionId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = p.Tp1TimeMs ?? p.EntryTimeMs });
        cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = p.Stop });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)p.Tp1AggId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the position and credits the strategy's balance in one transaction. Returns false (and changes
    /// nothing) when the row is already closed or was changed since <paramref name="expectedVersion"/> was read.
    /// </summary>
    public Task<bool> CloseAsync(PaperPosition p, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        CloseAsync(p.ToSnapshot(), expectedVersion, null, cancellationToken);

    public async Task<bool> CloseAsync(PositionSnapshot p, int? expectedVersion = null, double? balanceAfter = null, CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await CloseAsync(conn, tx, p, expectedVersion, balanceAfter, cancellationToken).ConfigureAwait(false))
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The close and the balance credit inside <paramref name="tx"/>; false (nothing written) when already closed.</summary>
    internal static async Task<bool> CloseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, PositionSnapshot p, int? expectedVersion, double? balanceAfter, CancellationToken cancellationToken)
    {
        if (p.IsOpen || p.PnlUsdt is null)
        {
            throw new ArgumentException("Only a position closed by the broker can be stored as closed.", nameof(p));
        }

        await using (var close = new NpgsqlCommand("""
            UPDATE paper_trades SET status = $2, exit_price = $3, exit_ts = $4, pnl_r = $5, gross_r = $6, fee_r = $7, pnl_usdt = $8,
                tp1_hit = $9, tp1_ts = $10, stop = $11, balance_after = $13, version = version + 1
            WHERE position_id = $1 AND status IN ('active', 'tp1_hit') AND ($12::int IS NULL OR version = $12)
            """, conn, tx))
        {
            var ps = close.Parameters;
            ps.Add(new NpgsqlParameter<long> { TypedValue = p.PositionId });
            ps.Add(new NpgsqlParameter<string> { TypedValue = p.Status.Name() });
            ps.Add(new NpgsqlParameter<double> { TypedValue = p.ExitPrice ?? 0 });
            ps.Add(new NpgsqlParameter<long> { TypedValue = p.ExitTimeMs ?? 0 });
            ps.Add(new NpgsqlParameter<double> { TypedValue = p.PnlR ?? 0 });
            ps.Add(new NpgsqlParameter<double> { TypedValue = p.GrossR ?? 0 });
            ps.Add(new NpgsqlParameter<double> { TypedValue = p.FeeR ?? 0 });
            ps.Add(new NpgsqlParameter<decimal> { TypedValue = (decimal)p.PnlUsdt.Value });
            ps.Add(new NpgsqlParameter<bool> { TypedValue = p.Tp1Hit });
            ps.Add(new NpgsqlParameter { Value = (object?)p.Tp1TimeMs ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            ps.Add(new NpgsqlParameter<double> { TypedValue = p.Stop });
            ps.Add(new NpgsqlParameter { Value = (object?)expectedVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            ps.Add(new NpgsqlParameter { Value = balanceAfter is { } b ? (decimal)b : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
            if (await close.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                return false;
            }
        }

        await using (var credit = new NpgsqlCommand(
            "UPDATE strategies SET current_balance = current_balance + $2, updated_at = now() WHERE strategy_id = $1", conn, tx))
        {
            credit.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = p.StrategyId });
            credit.Parameters.Add(new NpgsqlParameter<decimal> { TypedValue = (decimal)p.PnlUsdt.Value });
            await credit.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Open positions (restart recovery), oldest first, with the version read.</summary>
    public async Task<IReadOnlyList<(PaperPosition Position, int Version)>> LoadOpenAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<(PaperPosition, int)>();
        await using var cmd = dataSource.CreateCommand("""
            SELECT position_id, strategy_id, symbol, direction, score, tier, entry_price, entry_ts, tp1, tp2, sl, stop, tp1_hit, tp1_ts,
                   risk_usd, atr, rd, tp1_ratio, tp2_ratio, timeout_minutes, fee_rate, version, tp1_agg_id
            FROM paper_trades WHERE status IN ('active', 'tp1_hit') ORDER BY position_id
            """);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var position = new PaperPosition
            {
                PositionId = r.GetInt64(0),
                StrategyId = r.GetGuid(1),
                Symbol = r.GetString(2),
                Direction = r.GetString(3) == "SHORT" ? TradeDirection.Short : TradeDirection.Long,
                Score = r.GetDouble(4),
                Tier = r.GetString(5),
                Entry = r.GetDouble(6),
                EntryTimeMs = r.GetInt64(7),
                Tp1 = r.GetDouble(8),
                Tp2 = r.GetDouble(9),
                Sl = r.GetDouble(10),
                RiskUsd = (double)r.GetDecimal(14),
                Atr = r.GetDouble(15),
                Rd = r.GetDouble(16),
                Tp1Ratio = r.GetDouble(17),
                Tp2Ratio = r.GetDouble(18),
                TimeoutMinutes = r.GetInt32(19),
                FeeRate = r.GetDouble(20),
            };
            PaperPosition.Restore(position, r.GetBoolean(12), r.IsDBNull(13) ? null : r.GetInt64(13), r.GetDouble(11), r.IsDBNull(22) ? null : r.GetInt64(22));
            result.Add((position, r.GetInt32(21)));
        }

        return result;
    }

    /// <summary>Highest position id ever stored (new ids continue after it).</summary>
    public async Task<long> MaxPositionIdAsync(CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("SELECT coalesce(max(position_id), 0) FROM paper_trades");
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Closed trades of a strategy (or all), for statistics.</summary>
    public async Task<IReadOnlyList<ClosedTrade>> ClosedTradesAsync(Guid? strategyId, CancellationToken cancellationToken = default)
    {
        var result = new List<ClosedTrade>();
        await using var cmd = dataSource.CreateCommand("""
            SELECT strategy_id, symbol, direction, score, status, entry_ts, exit_ts, pnl_r, pnl_usdt, gross_r, fee_r
            FROM paper_trades WHERE status NOT IN ('active', 'tp1_hit') AND ($1::uuid IS NULL OR strategy_id = $1) ORDER BY exit_ts, position_id
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)strategyId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!PositionStatusNames.TryParse(r.GetString(4), out var status))
            {
                throw new FormatException($"paper_trades: unknown status '{r.GetString(4)}'");
            }

            result.Add(new ClosedTrade(r.GetGuid(0), r.GetString(1), r.GetString(2) == "SHORT" ? TradeDirection.Short : TradeDirection.Long,
                r.GetDouble(3), status, r.GetInt64(5), r.GetInt64(6), r.GetDouble(7), (double)r.GetDecimal(8), r.GetDouble(9), r.GetDouble(10)));
        }

        return result;
    }

    /// <summary>Stores the cooldown state of the given strategies (engine.md §5: a restart must not re-fire).</summary>
    public async Task SaveEngineStateAsync(IEnumerable<(Guid StrategyId, long? LastSignalTs, long LastRunTs)> states, CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await SaveEngineStateAsync(conn, null, states, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task SaveEngineStateAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IEnumerable<(Guid StrategyId, long? LastSignalTs, long LastRunTs)> states, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(conn, tx);
        await using (batch)
        {
            foreach (var (id, lastSignal, lastRun) in states)
            {
                var cmd = new NpgsqlBatchCommand("""
                    INSERT INTO engine_state (strategy_id, last_signal_ts, last_run_ts, updated_at) VALUES ($1, $2, $3, now())
                    ON CONFLICT (strategy_id) DO UPDATE SET last_signal_ts = excluded.last_signal_ts, last_run_ts = excluded.last_run_ts, updated_at = now()
                    """);
                cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
                cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)lastSignal ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lastRun });
                batch.BatchCommands.Add(cmd);
            }

            if (batch.BatchCommands.Count == 0)
            {
                return;
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyDictionary<Guid, long>> LoadLastSignalsAsync(CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<Guid, long>();
        await using var cmd = dataSource.CreateCommand("SELECT strategy_id, last_signal_ts FROM engine_state WHERE last_signal_ts IS NOT NULL");
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result[r.GetGuid(0)] = r.GetInt64(1);
        }

        return result;
    }

    /// <summary>Writes the results of one tick by binary COPY (one row per strategy and tick; ticks never repeat).</summary>
    public async Task WriteEvaluationsAsync(IReadOnlyList<ScoreResult> results, CancellationToken cancellationToken = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await WriteEvaluationsAsync(conn, results, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>COPY on <paramref name="conn"/> (inside its open transaction, if any).</summary>
    internal static async Task WriteEvaluationsAsync(NpgsqlConnection conn, IReadOnlyList<ScoreResult> results, CancellationToken cancellationToken)
    {
        if (results.Count == 0)
        {
            return;
        }

        await using var importer = await conn.BeginBinaryImportAsync(
            "COPY signal_evaluations (strategy_id, ts, symbol, score, direction, signal, tier, gate_passed, gate_block, regime, result) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        foreach (var r in results)
        {
            importer.StartRow();
            importer.Write(r.StrategyId, NpgsqlDbType.Uuid);
            importer.Write(r.TimeMs, NpgsqlDbType.Bigint);
            importer.Write(r.Symbol, NpgsqlDbType.Text);
            importer.Write(r.Score, NpgsqlDbType.Double);
            WriteNullable(importer, r.Direction?.Name());
            WriteNullable(importer, r.Signal?.Name());
            WriteNullable(importer, r.Tier);
            if (r.GatePassed is { } passed)
            {
                importer.Write(passed, NpgsqlDbType.Boolean);
            }
            else
            {
                importer.WriteNull();
            }

            WriteNullable(importer, r.GateBlock);
            WriteNullable(importer, r.Regime);
            importer.Write(JsonSerializer.Serialize(r, Json), NpgsqlDbType.Jsonb);
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes evaluations older than <paramref name="beforeMs"/> (retention).</summary>
    public async Task<int> DeleteEvaluationsBeforeAsync(long beforeMs, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand("DELETE FROM signal_evaluations WHERE ts < $1");
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = beforeMs });
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null)
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(value, NpgsqlDbType.Text);
        }
    }
}
