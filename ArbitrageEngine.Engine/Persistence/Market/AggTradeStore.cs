using System.Collections.Concurrent;
using ArbitrageEngine.Engine.Market;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>Outcome of writing one batch: rows new to the table and rows that were already there.</summary>
public readonly record struct WriteOutcome(int Inserted, int Duplicates);

/// <summary>
/// Bulk access to the partitioned <c>agg_trades</c> table: idempotent batch writes by binary COPY into a session
/// staging table merged with ON CONFLICT DO NOTHING (WS/REST overlaps and re-imports never duplicate),
/// monthly partitions created ahead, and fast ordered reads by binary COPY for warm-up and replay.
/// </summary>
public sealed class AggTradeStore(NpgsqlDataSource dataSource)
{
    private const long MonthMsApprox = 31L * 86_400_000;
    private readonly ConcurrentDictionary<long, bool> _knownPartitions = new();

    public NpgsqlDataSource DataSource { get; } = dataSource;

    /// <summary>UTC month start (ms) of <paramref name="timeMs"/>.</summary>
    public static long MonthStart(long timeMs)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(timeMs);
        return new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    /// <summary>Creates the monthly partitions covering [fromMs, toMs] that do not exist yet.</summary>
    public async Task EnsurePartitionsAsync(long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        for (var month = MonthStart(fromMs); month <= toMs; month = MonthStart(month + MonthMsApprox))
        {
            if (_knownPartitions.ContainsKey(month))
            {
                continue;
            }

            await using var cmd = DataSource.CreateCommand("SELECT ensure_agg_trades_partition($1)");
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = month });
            await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            _knownPartitions[month] = true;
        }
    }

    /// <summary>Writes a batch idempotently and advances <c>agg_trades_meta</c>, all in one transaction.</summary>
    public async Task<WriteOutcome> WriteAsync(IReadOnlyList<SymbolTrade> batch, CancellationToken cancellationToken = default)
    {
        if (batch.Count == 0)
        {
            return default;
        }

        long min = long.MaxValue, max = long.MinValue;
        foreach (var t in batch)
        {
            min = Math.Min(min, t.Trade.TimeMs);
            max = Math.Max(max, t.Trade.TimeMs);
        }

        await EnsurePartitionsAsync(min, max, cancellationToken).ConfigureAwait(false);

        await using var conn = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE IF NOT EXISTS agg_trades_stage (symbol text, agg_id bigint, time_ms bigint, price double precision, qty double precision, is_buyer_maker boolean) ON COMMIT DELETE ROWS",
            conn, tx))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var importer = await conn.BeginBinaryImportAsync(
            "COPY agg_trades_stage (symbol, agg_id, time_ms, price, qty, is_buyer_maker) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            // Synchronous writes into the importer's buffer: per-value async calls cost more than the I/O they avoid.
            foreach (var (symbol, t) in batch)
            {
                importer.StartRow();
                importer.Write(symbol, NpgsqlDbType.Text);
                importer.Write(t.AggId, NpgsqlDbType.Bigint);
                importer.Write(t.TimeMs, NpgsqlDbType.Bigint);
                importer.Write(t.Price, NpgsqlDbType.Double);
                importer.Write(t.Qty, NpgsqlDbType.Double);
                importer.Write(t.IsBuyerMaker, NpgsqlDbType.Boolean);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        int inserted;
        await using (var merge = new NpgsqlCommand(
            """
            WITH ins AS (
                INSERT INTO agg_trades (symbol, agg_id, time_ms, price, qty, is_buyer_maker)
                SELECT DISTINCT ON (symbol, agg_id, time_ms) symbol, agg_id, time_ms, price, qty, is_buyer_maker FROM agg_trades_stage
                ON CONFLICT DO NOTHING
                RETURNING 1)
            SELECT count(*) FROM ins
            """, conn, tx))
        {
            inserted = Convert.ToInt32(await merge.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        await using (var meta = new NpgsqlCommand(
            """
            INSERT INTO agg_trades_meta (symbol, last_agg_id, last_time_ms, updated_at)
            SELECT symbol, max(agg_id), max(time_ms), now() FROM agg_trades_stage GROUP BY symbol
            ON CONFLICT (symbol) DO UPDATE SET
                last_agg_id = GREATEST(agg_trades_meta.last_agg_id, excluded.last_agg_id),
                last_time_ms = GREATEST(agg_trades_meta.last_time_ms, excluded.last_time_ms),
                updated_at = now()
            """, conn, tx))
        {
            await meta.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteOutcome(inserted, batch.Count - inserted);
    }

    /// <summary>Streams the stored trades of <paramref name="symbol"/> with time in [fromMs, toMs) in agg_id order.</summary>
    public async Task<long> ReadAsync(string symbol, long fromMs, long toMs, Action<AggTrade> visit, CancellationToken cancellationToken = default)
    {
        await using var conn = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var sql = $"COPY (SELECT agg_id, time_ms, price, qty, is_buyer_maker FROM agg_trades WHERE symbol = '{Escape(symbol)}' AND time_ms >= {fromMs} AND time_ms < {toMs} ORDER BY agg_id) TO STDOUT (FORMAT BINARY)";
        await using var reader = await conn.BeginBinaryExportAsync(sql, cancellationToken).ConfigureAwait(false);
        long count = 0;
        while (reader.StartRow() != -1)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var aggId = reader.Read<long>();
            var time = reader.Read<long>();
            var price = reader.Read<double>();
            var qty = reader.Read<double>();
            var maker = reader.Read<bool>();
            visit(new AggTrade(aggId, time, price, qty, maker));
            count++;
        }

        return count;
    }

    /// <summary>Number of stored trades of <paramref name="symbol"/> with agg_id in [fromId, toId].</summary>
    public async Task<long> CountAsync(string symbol, long fromId, long toId, CancellationToken cancellationToken = default)
    {
        await using var cmd = DataSource.CreateCommand("SELECT count(*) FROM agg_trades WHERE symbol = $1 AND agg_id BETWEEN $2 AND $3");
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toId });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Symbol names are configuration (upper-case letters and digits); COPY cannot take parameters.</summary>
    private static string Escape(string symbol) =>
        symbol.All(char.IsAsciiLetterOrDigit) ? symbol : throw new ArgumentException($"invalid symbol '{symbol}'", nameof(symbol));
}
