using System.Collections.Concurrent;
using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Market.History;
using ArbitrageEngine.Engine.Persistence.Archive;
using Npgsql;
using NpgsqlTypes;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>Outcome of writing one batch: rows new to the table and rows that were already there.</summary>
public readonly record struct WriteOutcome(int Inserted, int Duplicates);

/// <summary>
/// Bulk access to the partitioned <c>agg_trades</c> table. Writes are idempotent: a batch whose agg_id range is
/// still free goes straight in by binary COPY; anything that may overlap (WS/REST overlaps, re-imports) is
/// COPYed into a session staging table and merged with ON CONFLICT DO NOTHING. Monthly partitions are created
/// ahead; reads stream rows in agg_id order for warm-up and replay. Bound to one dataset (backtest.md §5): every
/// write and read concerns <see cref="DatasetId"/> only.
/// </summary>
public sealed class AggTradeStore(NpgsqlDataSource dataSource, int datasetId) : ITradeHistory
{
    private const long MonthMsApprox = 31L * 86_400_000;
    private readonly ConcurrentDictionary<long, bool> _knownPartitions = new();

    public NpgsqlDataSource DataSource { get; } = dataSource;

    public int DatasetId { get; } = datasetId;

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

    /// <summary>Writes a batch idempotently and advances <c>agg_trades_meta</c>, in one transaction.</summary>
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
        if (IsStrictlyIncreasingPerSymbol(batch))
        {
            try
            {
                if (await TryCopyDirectAsync(conn, DatasetId, batch, cancellationToken).ConfigureAwait(false))
                {
                    return new WriteOutcome(batch.Count, 0);
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // A concurrent writer stored part of the range first: the merge below skips what exists.
            }
        }

        return await MergeAsync(conn, DatasetId, batch, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fast path: when no stored row of the batch's symbols lies in its agg_id range (a primary-key probe),
    /// COPY straight into the partitioned table.
    /// </summary>
    private static async Task<bool> TryCopyDirectAsync(NpgsqlConnection conn, int datasetId, IReadOnlyList<SymbolTrade> batch, CancellationToken cancellationToken)
    {
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var group in batch.GroupBy(t => t.Symbol))
        {
            await using var probe = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM agg_trades WHERE dataset_id = $4 AND symbol = $1 AND agg_id BETWEEN $2 AND $3)", conn, tx);
            probe.Parameters.Add(new NpgsqlParameter<string> { TypedValue = group.Key });
            probe.Parameters.Add(new NpgsqlParameter<long> { TypedValue = group.Min(t => t.Trade.AggId) });
            probe.Parameters.Add(new NpgsqlParameter<long> { TypedValue = group.Max(t => t.Trade.AggId) });
            probe.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
            if (await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return false;
            }
        }

        await ExecuteAsync(conn, tx, SyncCommitOff, cancellationToken).ConfigureAwait(false);
        await CopyRowsAsync(conn, "agg_trades", datasetId, batch, cancellationToken).ConfigureAwait(false);
        await UpdateMetaAsync(conn, tx, datasetId, batch, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>General path: COPY into a session staging table, then merge with ON CONFLICT DO NOTHING.</summary>
    private static async Task<WriteOutcome> MergeAsync(NpgsqlConnection conn, int datasetId, IReadOnlyList<SymbolTrade> batch, CancellationToken cancellationToken)
    {
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(conn, tx, SyncCommitOff, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(conn, tx,
            "CREATE TEMP TABLE IF NOT EXISTS agg_trades_stage (symbol text, agg_id bigint, time_ms bigint, price double precision, qty double precision, is_buyer_maker boolean) ON COMMIT DELETE ROWS",
            cancellationToken).ConfigureAwait(false);
        await CopyRowsAsync(conn, "agg_trades_stage", null, batch, cancellationToken).ConfigureAwait(false);

        int inserted;
        await using (var merge = new NpgsqlCommand(MergeSql, conn, tx))
        {
            merge.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
            inserted = Convert.ToInt32(await merge.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        await UpdateMetaAsync(conn, tx, datasetId, batch, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteOutcome(inserted, batch.Count - inserted);
    }

    /// <summary>Trades can always be fetched again (gap fill, import): do not wait for the WAL flush of each batch.</summary>
    private const string SyncCommitOff = "SET LOCAL synchronous_commit = off";

    private const string MergeSql = """
        WITH ins AS (
            INSERT INTO agg_trades (dataset_id, symbol, agg_id, time_ms, price, qty, is_buyer_maker)
            SELECT DISTINCT ON (symbol, agg_id, time_ms) $1, symbol, agg_id, time_ms, price, qty, is_buyer_maker FROM agg_trades_stage
            ON CONFLICT DO NOTHING
            RETURNING 1)
        SELECT count(*) FROM ins
        """;

    private const string MetaSql = """
        INSERT INTO agg_trades_meta (dataset_id, symbol, last_agg_id, last_time_ms, updated_at) VALUES ($4, $1, $2, $3, now())
        ON CONFLICT (dataset_id, symbol) DO UPDATE SET
            last_agg_id = GREATEST(agg_trades_meta.last_agg_id, excluded.last_agg_id),
            last_time_ms = GREATEST(agg_trades_meta.last_time_ms, excluded.last_time_ms),
            updated_at = now()
        """;

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static bool IsStrictlyIncreasingPerSymbol(IReadOnlyList<SymbolTrade> batch)
    {
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (symbol, trade) in batch)
        {
            if (last.TryGetValue(symbol, out var previous) && trade.AggId <= previous)
            {
                return false;
            }

            last[symbol] = trade.AggId;
        }

        return true;
    }

    /// <summary>COPYs the batch into <paramref name="table"/>; with the dataset column when <paramref name="datasetId"/> is given.</summary>
    private static async Task CopyRowsAsync(NpgsqlConnection conn, string table, int? datasetId, IReadOnlyList<SymbolTrade> batch, CancellationToken cancellationToken)
    {
        await using var importer = await conn.BeginBinaryImportAsync(
            $"COPY {table} ({(datasetId is null ? "" : "dataset_id, ")}symbol, agg_id, time_ms, price, qty, is_buyer_maker) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);

        // Synchronous writes into the importer's buffer: per-value async calls cost more than the I/O they avoid.
        foreach (var (symbol, t) in batch)
        {
            importer.StartRow();
            if (datasetId is { } id)
            {
                importer.Write(id, NpgsqlDbType.Integer);
            }

            importer.Write(symbol, NpgsqlDbType.Text);
            importer.Write(t.AggId, NpgsqlDbType.Bigint);
            importer.Write(t.TimeMs, NpgsqlDbType.Bigint);
            importer.Write(t.Price, NpgsqlDbType.Double);
            importer.Write(t.Qty, NpgsqlDbType.Double);
            importer.Write(t.IsBuyerMaker, NpgsqlDbType.Boolean);
        }

        await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task UpdateMetaAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int datasetId, IReadOnlyList<SymbolTrade> batch, CancellationToken cancellationToken)
    {
        foreach (var group in batch.GroupBy(t => t.Symbol))
        {
            await using var meta = new NpgsqlCommand(MetaSql, conn, tx);
            meta.Parameters.Add(new NpgsqlParameter<string> { TypedValue = group.Key });
            meta.Parameters.Add(new NpgsqlParameter<long> { TypedValue = group.Max(t => t.Trade.AggId) });
            meta.Parameters.Add(new NpgsqlParameter<long> { TypedValue = group.Max(t => t.Trade.TimeMs) });
            meta.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
            await meta.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Streams the stored trades of <paramref name="symbol"/> with time in [fromMs, toMs) in agg_id order.</summary>
    public Task<long> ReadAsync(string symbol, long fromMs, long toMs, Action<AggTrade> visit, CancellationToken cancellationToken = default) =>
        ReadAsync(symbol, fromMs, toMs, long.MaxValue, visit, cancellationToken);

    /// <summary>
    /// Streams the stored trades of <paramref name="symbol"/> with time in [fromMs, toMs) and agg_id ≤
    /// <paramref name="maxAggId"/> in agg_id order (one binary COPY over the key range, see <see cref="AggTradeCopy"/>);
    /// days moved to the trade archive are read from their files (<see cref="TradeHistoryPlan"/>).
    /// </summary>
    public async Task<long> ReadAsync(string symbol, long fromMs, long toMs, long maxAggId, Action<AggTrade> visit, CancellationToken cancellationToken = default)
    {
        AggTradeCopy.CheckSymbol(symbol);
        var archived = await new ArchiveManifest(DataSource).ListAsync(DatasetId, [symbol], fromMs, toMs, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<TradeSegment> segments;
        await using (var conn = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            segments = await TradeHistoryPlan.PlanAsync(conn, DatasetId, symbol, archived, fromMs, toMs, cancellationToken).ConfigureAwait(false);
        }

        if (segments.Count == 0)
        {
            return 0;
        }

        var chunk = new AggTrade[8192];
        return await TradeHistoryPlan.ReadAsync(DataSource, DatasetId, symbol, segments, maxAggId, null, () => chunk, (items, count) =>
        {
            foreach (ref readonly var t in items.AsSpan(0, count))
            {
                visit(t);
            }

            return ValueTask.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the stored trades of <paramref name="symbol"/> with time in [fromMs, toMs) into memory, in agg_id order.</summary>
    public async Task<List<AggTrade>> ReadAllAsync(string symbol, long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        var list = new List<AggTrade>();
        await ReadAsync(symbol, fromMs, toMs, list.Add, cancellationToken).ConfigureAwait(false);
        return list;
    }

    /// <summary>Time of the oldest stored trade of <paramref name="symbol"/>, or null without any.</summary>
    public async Task<long?> EarliestTimeAsync(string symbol, CancellationToken cancellationToken = default)
    {
        // The oldest trade has the smallest agg_id: one probe per partition instead of a scan for min(time_ms).
        await using var cmd = DataSource.CreateCommand("SELECT time_ms FROM agg_trades WHERE dataset_id = $1 AND symbol = $2 ORDER BY agg_id LIMIT 1");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        var stored = await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long t ? t : (long?)null;

        // Older days may be archived: the archive's first trade is then the oldest.
        if (await new ArchiveManifest(DataSource).BoundsAsync(DatasetId, symbol, cancellationToken).ConfigureAwait(false) is { } archived)
        {
            return stored is { } s ? Math.Min(s, archived.First.File.FirstTimeMs) : archived.First.File.FirstTimeMs;
        }

        return stored;
    }

    /// <summary>The newest stored trade of <paramref name="symbol"/>, or null without any.</summary>
    public async Task<AggTrade?> LastTradeAsync(string symbol, CancellationToken cancellationToken = default)
    {
        await using var cmd = DataSource.CreateCommand(
            "SELECT agg_id, time_ms, price, qty, is_buyer_maker FROM agg_trades WHERE dataset_id = $1 AND symbol = $2 ORDER BY agg_id DESC LIMIT 1");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        AggTrade? stored;
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            stored = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new AggTrade(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetBoolean(4))
                : null;
        }

        // Everything may be archived (a source stopped for longer than the retention): its last trade is then in the newest file.
        if (await new ArchiveManifest(DataSource).BoundsAsync(DatasetId, symbol, cancellationToken).ConfigureAwait(false) is { } archived
            && (stored is null || archived.Last.File.LastAggId > stored.Value.AggId))
        {
            var last = archived.Last;
            AggTrade? found = null;
            var chunk = new AggTrade[8192];
            await ArchiveFile.ReadAsync(last.FullPath(), last.File, last.File.LastTimeMs, last.File.LastTimeMs + 1, long.MaxValue, () => chunk, (items, count) =>
            {
                found = items[count - 1];
                return ValueTask.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
            return found ?? stored;
        }

        return stored;
    }

    /// <summary>Number of stored trades of <paramref name="symbol"/> with agg_id in [fromId, toId].</summary>
    public async Task<long> CountAsync(string symbol, long fromId, long toId, CancellationToken cancellationToken = default)
    {
        await using var cmd = DataSource.CreateCommand("SELECT count(*) FROM agg_trades WHERE dataset_id = $1 AND symbol = $2 AND agg_id BETWEEN $3 AND $4");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toId });
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
