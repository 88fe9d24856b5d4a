using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Persistence.Archive;
using ArbitrageEngine.Engine.Strategies;
using Npgsql;
using NpgsqlTypes;

// Same namespace as the trade store and writer it works with (the writer calls the upkeep, the upkeep the store: one slice, no cycle).
namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>
/// Writes <c>market_bars_1m</c> (one row per dataset, symbol and minute). Two ways, one SQL aggregate:
/// <list type="bullet">
/// <item><see cref="AddAsync"/> merges trades known to be new to the table (the live writer's batches that stored
/// every row): volumes add up, open/close follow the smallest/largest agg id, high/low widen. Cheap: it reads
/// nothing back.</item>
/// <item><see cref="RecomputeAsync"/> replaces the minutes of a time range by an aggregate of the stored trades (after
/// a batch with duplicates, an import, a rebuild): whatever happened before, the result counts each stored trade once.</item>
/// </list>
/// Sums are numeric (exact, order-independent); open/close use min/max over (agg_id, price) pairs, which needs no
/// sort. The whale columns use the symbol's recommended whale threshold (engine.md §3).
/// </summary>
public sealed class MarketBarStore(NpgsqlDataSource dataSource, int datasetId)
{
    public const long MinuteMs = 60_000;

    public NpgsqlDataSource DataSource { get; } = dataSource;

    public int DatasetId { get; } = datasetId;

    /// <summary>Whale threshold in USD for <paramref name="symbol"/> (engine.md §3 recommended values).</summary>
    public static double WhaleUsd(string symbol) => RecommendedGates.For(symbol).WhaleUsdThreshold;

    public static long MinuteOf(long timeMs) => timeMs - (((timeMs % MinuteMs) + MinuteMs) % MinuteMs);

    private const string Columns =
        "dataset_id, symbol, open_ms, open, high, low, close, buy_qty, sell_qty, buy_quote, sell_quote, trades, first_agg_id, last_agg_id, max_trade_usd, whale_buy_usd, whale_sell_usd, whale_trades";

    /// <summary>The aggregate of <paramref name="source"/> (agg_id, time_ms, price, qty, is_buyer_maker) per minute; $1 dataset, $2 symbol, $3 whale threshold.</summary>
    private static string AggregateSql(string source) => $"""
        INSERT INTO market_bars_1m AS b ({Columns})
        SELECT $1, $2, s.time_ms / 60000 * 60000 AS m,
               (min(ARRAY[s.agg_id::float8, s.price]))[2], max(s.price), min(s.price), (max(ARRAY[s.agg_id::float8, s.price]))[2],
               coalesce(sum(s.qty::numeric) FILTER (WHERE NOT s.is_buyer_maker), 0),
               coalesce(sum(s.qty::numeric) FILTER (WHERE s.is_buyer_maker), 0),
               coalesce(sum(s.price::numeric * s.qty::numeric) FILTER (WHERE NOT s.is_buyer_maker), 0),
               coalesce(sum(s.price::numeric * s.qty::numeric) FILTER (WHERE s.is_buyer_maker), 0),
               count(*), min(s.agg_id), max(s.agg_id), max(s.price * s.qty),
               coalesce(sum(s.price::numeric * s.qty::numeric) FILTER (WHERE NOT s.is_buyer_maker AND s.price * s.qty >= $3), 0),
               coalesce(sum(s.price::numeric * s.qty::numeric) FILTER (WHERE s.is_buyer_maker AND s.price * s.qty >= $3), 0),
               count(*) FILTER (WHERE s.price * s.qty >= $3)
        FROM ({source}) s
        GROUP BY m
        """;

    private static readonly string AddSql = AggregateSql(
        "SELECT * FROM unnest($4::bigint[], $5::bigint[], $6::float8[], $7::float8[], $8::bool[]) AS u(agg_id, time_ms, price, qty, is_buyer_maker)") + """

        ON CONFLICT (dataset_id, symbol, open_ms) DO UPDATE SET
            open = CASE WHEN excluded.first_agg_id < b.first_agg_id THEN excluded.open ELSE b.open END,
            close = CASE WHEN excluded.last_agg_id > b.last_agg_id THEN excluded.close ELSE b.close END,
            high = GREATEST(b.high, excluded.high),
            low = LEAST(b.low, excluded.low),
            buy_qty = b.buy_qty + excluded.buy_qty,
            sell_qty = b.sell_qty + excluded.sell_qty,
            buy_quote = b.buy_quote + excluded.buy_quote,
            sell_quote = b.sell_quote + excluded.sell_quote,
            trades = b.trades + excluded.trades,
            first_agg_id = LEAST(b.first_agg_id, excluded.first_agg_id),
            last_agg_id = GREATEST(b.last_agg_id, excluded.last_agg_id),
            max_trade_usd = GREATEST(b.max_trade_usd, excluded.max_trade_usd),
            whale_buy_usd = b.whale_buy_usd + excluded.whale_buy_usd,
            whale_sell_usd = b.whale_sell_usd + excluded.whale_sell_usd,
            whale_trades = b.whale_trades + excluded.whale_trades
        """;

    private static readonly string RecomputeSql = AggregateSql("""
        SELECT agg_id, time_ms, price, qty, is_buyer_maker FROM agg_trades
        WHERE dataset_id = $1 AND symbol = $2 AND agg_id >= $4 AND agg_id < $5 AND time_ms >= $6 AND time_ms < $7
        """) + """

        ON CONFLICT (dataset_id, symbol, open_ms) DO UPDATE SET
            open = excluded.open, close = excluded.close, high = excluded.high, low = excluded.low,
            buy_qty = excluded.buy_qty, sell_qty = excluded.sell_qty, buy_quote = excluded.buy_quote, sell_quote = excluded.sell_quote,
            trades = excluded.trades, first_agg_id = excluded.first_agg_id, last_agg_id = excluded.last_agg_id,
            max_trade_usd = excluded.max_trade_usd, whale_buy_usd = excluded.whale_buy_usd, whale_sell_usd = excluded.whale_sell_usd,
            whale_trades = excluded.whale_trades
        """;

    /// <summary>
    /// Merges <paramref name="batch"/> into the bars. Only for trades that were all new to <c>agg_trades</c> (a batch
    /// stored without duplicates): a trade merged twice would count twice. One round trip for every symbol.
    /// </summary>
    public async Task AddAsync(IReadOnlyList<SymbolTrade> batch, CancellationToken cancellationToken = default)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await using var conn = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var npgBatch = new NpgsqlBatch(conn);
        foreach (var group in batch.GroupBy(t => t.Symbol, StringComparer.Ordinal))
        {
            var trades = group.Select(t => t.Trade).ToArray();
            var cmd = new NpgsqlBatchCommand(AddSql);
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = group.Key });
            cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = WhaleUsd(group.Key) });
            cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. trades.Select(t => t.AggId)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. trades.Select(t => t.TimeMs)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            cmd.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. trades.Select(t => t.Price)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
            cmd.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. trades.Select(t => t.Qty)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Double });
            cmd.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. trades.Select(t => t.IsBuyerMaker)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
            npgBatch.BatchCommands.Add(cmd);
        }

        // One implicit transaction for the whole batch (a single Sync): every symbol's merge or none.
        await npgBatch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the bars of <paramref name="symbol"/> for the minutes overlapping [fromMs, toMs) by the aggregate of the
    /// stored trades (minutes without trades lose their bar). Returns the number of bars written. A range that touches
    /// a day of the trade archive changes nothing: PostgreSQL holds at most late rows of such a day, so recomputing from
    /// it would drop the archived trades' share of the bars.
    /// </summary>
    public async Task<int> RecomputeAsync(string symbol, long fromMs, long toMs, CancellationToken cancellationToken = default)
    {
        var (from, to) = WholeMinutes(fromMs, toMs);
        if (to <= from || (await new ArchiveManifest(DataSource).ListAsync(DatasetId, [symbol], from, to, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            return 0;
        }

        return await ReplaceMinutesAsync(symbol, from, to, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The whole minutes overlapping [fromMs, toMs).</summary>
    private static (long From, long To) WholeMinutes(long fromMs, long toMs) => (MinuteOf(fromMs), MinuteOf(toMs - 1) + MinuteMs);

    /// <summary>The replacement itself, for whole minutes [from, to) known to be outside the archive.</summary>
    private async Task<int> ReplaceMinutesAsync(string symbol, long from, long to, CancellationToken cancellationToken)
    {
        await using var conn = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Time alone is no index key of agg_trades: find the agg_id range of the minutes first (bisection on the key).
        var range = await AggTradeCopy.RangeAsync(conn, DatasetId, symbol, from, to, cancellationToken).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var delete = new NpgsqlCommand("DELETE FROM market_bars_1m WHERE dataset_id = $1 AND symbol = $2 AND open_ms >= $3 AND open_ms < $4", conn, tx))
        {
            delete.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
            delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
            delete.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var written = 0;
        if (!range.IsEmpty)
        {
            await using var insert = new NpgsqlCommand(RecomputeSql, conn, tx);
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
            insert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = WhaleUsd(symbol) });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = range.FromId });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = range.ToId });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
            written = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>
    /// Rebuilds every bar of <paramref name="symbol"/> from the stored trades, a day at a time (each day one
    /// transaction), and removes bars outside the stored trades (archived days included). Archived days keep their bars.
    /// </summary>
    public async Task<BarRebuild> RebuildAsync(string symbol, Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        var trades = new AggTradeStore(DataSource, DatasetId);
        var first = await trades.EarliestTimeAsync(symbol, cancellationToken).ConfigureAwait(false);
        var last = await trades.LastTradeAsync(symbol, cancellationToken).ConfigureAwait(false);
        await using (var outside = DataSource.CreateCommand("DELETE FROM market_bars_1m WHERE dataset_id = $1 AND symbol = $2 AND (open_ms < $3 OR open_ms > $4)"))
        {
            outside.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
            outside.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
            outside.Parameters.Add(new NpgsqlParameter<long> { TypedValue = first is { } f ? MinuteOf(f) : long.MaxValue });
            outside.Parameters.Add(new NpgsqlParameter<long> { TypedValue = last is { } l ? MinuteOf(l.TimeMs) : long.MinValue });
            await outside.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (first is null || last is null)
        {
            return default;
        }

        return await RecomputeDaysAsync(symbol, first.Value, last.Value.TimeMs + 1, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="RecomputeAsync"/> over [fromMs, toMs) one UTC day at a time (each day one transaction, so a long
    /// range neither holds one huge transaction nor loses finished days on interruption). A day in the trade archive
    /// keeps its bars: PostgreSQL no longer holds its trades, so recomputing would drop them.
    /// </summary>
    public async Task<BarRebuild> RecomputeDaysAsync(string symbol, long fromMs, long toMs, Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        const long Day = 86_400_000;
        if (toMs <= fromMs)
        {
            return default;
        }

        var archived = (await new ArchiveManifest(DataSource).ListAsync(DatasetId, [symbol], fromMs, toMs, cancellationToken).ConfigureAwait(false))
            .Select(e => e.DayStartMs).ToHashSet();
        var start = fromMs - (fromMs % Day);
        var days = (int)(((toMs - 1 - start) / Day) + 1);
        var result = default(BarRebuild);
        for (var d = 0; d < days; d++)
        {
            var dayStart = start + (d * Day);
            if (archived.Contains(dayStart))
            {
                result = result with { ArchivedDaysKept = result.ArchivedDaysKept + 1 };
            }
            else
            {
                // The manifest was read once above; the day is not archived.
                var (from, to) = WholeMinutes(Math.Max(fromMs, dayStart), Math.Min(toMs, dayStart + Day));
                var written = await ReplaceMinutesAsync(symbol, from, to, cancellationToken).ConfigureAwait(false);
                result = result with { Bars = result.Bars + written, Days = result.Days + 1 };
            }

            progress?.Invoke(d + 1, days);
        }

        return result;
    }

    /// <summary>Symbols of this dataset that have stored trades (from <c>agg_trades_meta</c>), with their last trade time.</summary>
    public async Task<IReadOnlyList<(string Symbol, long LastTimeMs)>> SymbolsAsync(CancellationToken cancellationToken = default)
    {
        await using var cmd = DataSource.CreateCommand("SELECT symbol, last_time_ms FROM agg_trades_meta WHERE dataset_id = $1 ORDER BY symbol COLLATE \"C\"");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        var result = new List<(string, long)>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return result;
    }

    /// <summary>Open time of the newest bar of <paramref name="symbol"/>, or null without bars.</summary>
    public async Task<long?> LastBarAsync(string symbol, CancellationToken cancellationToken = default)
    {
        await using var cmd = DataSource.CreateCommand("SELECT open_ms FROM market_bars_1m WHERE dataset_id = $1 AND symbol = $2 ORDER BY open_ms DESC LIMIT 1");
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long t ? t : null;
    }
}

/// <summary>What a bar rebuild did: bars written, UTC days recomputed, and archived days whose bars were kept.</summary>
public readonly record struct BarRebuild(long Bars, int Days, int ArchivedDaysKept);
