using ArbitrageEngine.Engine.Persistence.Market;
using Npgsql;

namespace ArbitrageEngine.Web.Market;

/// <summary>
/// The SQL behind /market, bound to one dataset. Candles and range totals come from <c>market_bars_1m</c> (never from
/// raw trades over long ranges); only the trade-level views of a selected range (largest trades, heat map, the
/// trade list) read <c>agg_trades</c>, through its agg_id key and for at most <see cref="MaxTradeRangeMs"/>.
/// </summary>
public sealed class MarketQueries(NpgsqlDataSource dataSource, int datasetId)
{
    /// <summary>The longest range whose heat map is read from trades.</summary>
    public const long MaxTradeRangeMs = 24 * 3_600_000L;

    public const long DayMs = 86_400_000;

    /// <summary>Ranges up to this long get a heat map from individual trades; longer ones from the 1-minute bars.</summary>
    public const long TradeHeatMapMaxMs = 4 * 3_600_000L;

    public int DatasetId { get; } = datasetId;

    /// <summary>Symbols with stored trades in this dataset, with their last bar, last price and 24 h change.</summary>
    public async Task<List<MarketSymbolRow>> SymbolsAsync(CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT m.symbol, l.open_ms, l.close, coalesce(p.close, f.open), v.quote, m.last_time_ms
            FROM agg_trades_meta m
            LEFT JOIN LATERAL (SELECT open_ms, close FROM market_bars_1m b WHERE b.dataset_id = m.dataset_id AND b.symbol = m.symbol
                               ORDER BY open_ms DESC LIMIT 1) l ON true
            LEFT JOIN LATERAL (SELECT close FROM market_bars_1m b WHERE b.dataset_id = m.dataset_id AND b.symbol = m.symbol
                               AND b.open_ms <= l.open_ms - 86400000 ORDER BY open_ms DESC LIMIT 1) p ON true
            LEFT JOIN LATERAL (SELECT open FROM market_bars_1m b WHERE b.dataset_id = m.dataset_id AND b.symbol = m.symbol
                               AND b.open_ms > l.open_ms - 86400000 ORDER BY open_ms LIMIT 1) f ON true
            LEFT JOIN LATERAL (SELECT sum(vwap_num)::float8 AS quote FROM market_bars_1m b WHERE b.dataset_id = m.dataset_id AND b.symbol = m.symbol
                               AND b.open_ms > l.open_ms - 86400000 AND b.open_ms <= l.open_ms) v ON true
            WHERE m.dataset_id = $1
            ORDER BY m.symbol COLLATE "C"
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        var result = new List<MarketSymbolRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            double? last = reader.IsDBNull(2) ? null : reader.GetDouble(2);
            double? reference = reader.IsDBNull(3) ? null : reader.GetDouble(3);
            result.Add(new MarketSymbolRow(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetInt64(1),
                last,
                last is { } a && reference is { } b && b != 0 ? (a - b) / b : null,
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                reader.GetInt64(5)));
        }

        return result;
    }

    /// <summary>Open time of the newest bar of <paramref name="symbol"/> (null without bars).</summary>
    public Task<long?> LastBarAsync(string symbol, CancellationToken ct = default) => new MarketBarStore(dataSource, DatasetId).LastBarAsync(symbol, ct);

    /// <summary>Candles of <paramref name="intervalMs"/> (a multiple of a minute) with open time in [fromMs, toMs), ascending.</summary>
    public async Task<List<MarketCandle>> CandlesAsync(string symbol, long intervalMs, long fromMs, long toMs, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The planner cannot know how many candles "open_ms / interval" makes and sorts 43,200 rows for a group
        // aggregate; a hash aggregate over them is 2-3 times faster. Open and close are then read by primary key for
        // each candle's first and last minute (cheaper than carrying (time, price) arrays through the aggregate).
        await using (var settings = new NpgsqlCommand("SET LOCAL enable_sort = off", conn, tx))
        {
            await settings.ExecuteNonQueryAsync(ct);
        }

        var groups = new List<(long T, long First, long Last, double High, double Low, double Bq, double Sq, double Bqq, double Sqq, long N)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT open_ms / $3 * $3, min(open_ms), max(open_ms), max(high), min(low),
                   sum(buy_qty)::float8, sum(sell_qty)::float8, sum(buy_quote)::float8, sum(sell_quote)::float8, sum(trades)::bigint
            FROM market_bars_1m
            WHERE dataset_id = $1 AND symbol = $2 AND open_ms >= $4 AND open_ms < $5
            GROUP BY 1
            """, conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = intervalMs });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                groups.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4),
                    reader.GetDouble(5), reader.GetDouble(6), reader.GetDouble(7), reader.GetDouble(8), reader.GetInt64(9)));
            }
        }

        var ends = new Dictionary<long, (double Open, double Close)>(groups.Count * 2);
        if (groups.Count > 0)
        {
            await using var probe = new NpgsqlCommand(
                "SELECT open_ms, open, close FROM market_bars_1m WHERE dataset_id = $1 AND symbol = $2 AND open_ms = ANY($3)", conn, tx);
            probe.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
            probe.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
            probe.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. groups.Select(g => g.First).Concat(groups.Select(g => g.Last)).Distinct()] });
            await using var reader = await probe.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ends[reader.GetInt64(0)] = (reader.GetDouble(1), reader.GetDouble(2));
            }
        }

        await tx.CommitAsync(ct);
        return [.. groups.OrderBy(g => g.T).Select(g => new MarketCandle(g.T, ends[g.First].Open, g.High, g.Low, ends[g.Last].Close, g.Bq, g.Sq, g.Bqq, g.Sqq, g.N))];
    }

    /// <summary>Totals of the whole minutes overlapping [fromMs, toMs), from the bars.</summary>
    public async Task<RangeSummary> SummaryAsync(string symbol, long fromMs, long toMs, CancellationToken ct = default)
    {
        var (from, to) = Minutes(fromMs, toMs);
        // Sums rounded to 12 decimals: products of two 15-digit doubles can carry more digits than a .NET decimal holds.
        await using var cmd = dataSource.CreateCommand("""
            SELECT count(*)::int, coalesce(sum(trades), 0)::bigint,
                   round(coalesce(sum(buy_qty), 0), 12), round(coalesce(sum(sell_qty), 0), 12),
                   round(coalesce(sum(buy_quote), 0), 12), round(coalesce(sum(sell_quote), 0), 12),
                   (min(ARRAY[open_ms::float8, open]))[2], max(high), min(low), (max(ARRAY[open_ms::float8, close]))[2],
                   round(coalesce(sum(whale_buy_usd), 0), 12), round(coalesce(sum(whale_sell_usd), 0), 12), coalesce(sum(whale_trades), 0)::bigint
            FROM market_bars_1m
            WHERE dataset_id = $1 AND symbol = $2 AND open_ms >= $3 AND open_ms < $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        double? D(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
        return new RangeSummary(from, to, reader.GetInt32(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetDecimal(4), reader.GetDecimal(5),
            D(6), D(7), D(8), D(9), reader.GetDecimal(10), reader.GetDecimal(11), reader.GetInt64(12), MarketBarStore.WhaleUsd(symbol));
    }

    /// <summary>
    /// The <paramref name="count"/> largest trades (by USD) of the whole minutes overlapping [fromMs, toMs), exactly,
    /// reading only a few minutes of trades: T = the count-th largest per-minute maximum is a lower bound of the
    /// answer, so only minutes whose maximum reaches T can hold it, and of those only trades of at least T. (The LIMIT
    /// inside the lateral keeps it a per-minute key-range probe: without it the planner flattens it into a scan.)
    /// </summary>
    public async Task<List<MarketTrade>> LargestTradesAsync(string symbol, long fromMs, long toMs, int count = 10, CancellationToken ct = default)
    {
        var (from, to) = Minutes(fromMs, toMs);
        await using var cmd = dataSource.CreateCommand("""
            WITH top AS (
                SELECT max_trade_usd FROM market_bars_1m
                WHERE dataset_id = $1 AND symbol = $2 AND open_ms >= $3 AND open_ms < $4
                ORDER BY max_trade_usd DESC LIMIT $5),
            bound AS (SELECT min(max_trade_usd) AS t FROM top),
            minutes AS (
                SELECT b.open_ms, b.first_agg_id, b.last_agg_id FROM market_bars_1m b, bound
                WHERE b.dataset_id = $1 AND b.symbol = $2 AND b.open_ms >= $3 AND b.open_ms < $4 AND b.max_trade_usd >= bound.t)
            SELECT t.agg_id, t.time_ms, t.price, t.qty, t.is_buyer_maker
            FROM minutes m CROSS JOIN bound
            JOIN LATERAL (SELECT agg_id, time_ms, price, qty, is_buyer_maker FROM agg_trades
                          WHERE dataset_id = $1 AND symbol = $2 AND agg_id >= m.first_agg_id AND agg_id <= m.last_agg_id
                            AND time_ms >= m.open_ms AND time_ms < m.open_ms + 60000 AND price * qty >= bound.t
                          ORDER BY price * qty DESC LIMIT $5) t ON true
            ORDER BY t.price * t.qty DESC, t.agg_id LIMIT $5
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        return await ReadTradesAsync(cmd, ct);
    }

    /// <summary>
    /// Buy and sell volume per time × price cell over [fromMs, toMs) (at most <see cref="MaxTradeRangeMs"/>), from the
    /// trades of that range read by their agg_id key; null when the range has no trades.
    /// </summary>
    public async Task<RangeHeatMap?> HeatMapAsync(string symbol, long fromMs, long toMs, int timeBuckets = 60, int priceBuckets = 40, CancellationToken ct = default)
    {
        var (from, to) = Minutes(fromMs, Math.Min(toMs, fromMs + MaxTradeRangeMs));
        var summary = await SummaryAsync(symbol, from, to, ct);
        if (summary.IsEmpty || summary.Low is not { } low || summary.High is not { } high)
        {
            return null;
        }

        var bucketMs = Math.Max(MarketBarStore.MinuteMs, (to - from + timeBuckets - 1) / timeBuckets);
        var times = (int)((to - from + bucketMs - 1) / bucketMs);
        var step = high > low ? (high - low) / priceBuckets : Math.Max(high * 1e-6, 1e-9);
        var prices = high > low ? priceBuckets : 1;
        var buy = new double[times, prices];
        var sell = new double[times, prices];

        if (to - from > TradeHeatMapMaxMs)
        {
            await FillFromBarsAsync(symbol, from, to, bucketMs, low, step, buy, sell, ct);
            return new RangeHeatMap(from, bucketMs, low, step, buy, sell);
        }

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var range = await AggTradeCopy.RangeAsync(conn, DatasetId, AggTradeCopy.CheckSymbol(symbol), from, to, ct);
        if (range.IsEmpty)
        {
            return null;
        }

        await using var cmd = new NpgsqlCommand("""
            SELECT ((time_ms - $5) / $6)::int AS ti, LEAST(GREATEST(floor((price - $7) / $8)::int, 0), $9 - 1) AS pi,
                   coalesce(sum(qty) FILTER (WHERE NOT is_buyer_maker), 0), coalesce(sum(qty) FILTER (WHERE is_buyer_maker), 0)
            FROM agg_trades
            WHERE dataset_id = $1 AND symbol = $2 AND agg_id >= $3 AND agg_id < $4 AND time_ms >= $5 AND time_ms < $10
            GROUP BY ti, pi
            """, conn);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = range.FromId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = range.ToId });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = bucketMs });
        cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = low });
        cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = step });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = prices });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var ti = Math.Clamp(reader.GetInt32(0), 0, times - 1);
            var pi = reader.GetInt32(1);
            buy[ti, pi] += reader.GetDouble(2);
            sell[ti, pi] += reader.GetDouble(3);
        }

        return new RangeHeatMap(from, bucketMs, low, step, buy, sell);
    }

    /// <summary>
    /// Over longer ranges a time bucket spans several minutes and the heat map comes from the bars: each minute's buy
    /// (sell) volume at that minute's buy (sell) VWAP. Volumes stay exact; prices are placed at minute resolution.
    /// </summary>
    private async Task FillFromBarsAsync(string symbol, long from, long to, long bucketMs, double low, double step, double[,] buy, double[,] sell, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT open_ms, buy_qty::float8, (buy_quote / NULLIF(buy_qty, 0))::float8, sell_qty::float8, (sell_quote / NULLIF(sell_qty, 0))::float8
            FROM market_bars_1m WHERE dataset_id = $1 AND symbol = $2 AND open_ms >= $3 AND open_ms < $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        int times = buy.GetLength(0), prices = buy.GetLength(1);
        int PriceIndex(double p) => Math.Clamp((int)Math.Floor((p - low) / step), 0, prices - 1);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var ti = (int)Math.Clamp((reader.GetInt64(0) - from) / bucketMs, 0, times - 1);
            if (!reader.IsDBNull(2))
            {
                buy[ti, PriceIndex(reader.GetDouble(2))] += reader.GetDouble(1);
            }

            if (!reader.IsDBNull(4))
            {
                sell[ti, PriceIndex(reader.GetDouble(4))] += reader.GetDouble(3);
            }
        }
    }

    /// <summary>The agg_id range of the trades of [fromMs, toMs) (for paging the raw trades).</summary>
    public async Task<AggIdRange> TradeRangeAsync(string symbol, long fromMs, long toMs, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await AggTradeCopy.RangeAsync(conn, DatasetId, AggTradeCopy.CheckSymbol(symbol), fromMs, toMs, ct);
    }

    /// <summary>
    /// A page of the trades of <paramref name="range"/> within [fromMs, toMs): after <paramref name="afterAggId"/>
    /// ascending, or before <paramref name="beforeAggId"/> (the previous page), keyset on agg_id.
    /// </summary>
    public async Task<TradePage> TradesPageAsync(string symbol, AggIdRange range, long fromMs, long toMs, long? afterAggId, long? beforeAggId, int pageSize, CancellationToken ct = default)
    {
        if (range.IsEmpty)
        {
            return new TradePage([], false, false);
        }

        var backwards = beforeAggId is not null;
        await using var cmd = dataSource.CreateCommand($"""
            SELECT agg_id, time_ms, price, qty, is_buyer_maker FROM agg_trades
            WHERE dataset_id = $1 AND symbol = $2 AND agg_id >= $3 AND agg_id < $4 AND time_ms >= $5 AND time_ms < $6
            ORDER BY agg_id {(backwards ? "DESC" : "")} LIMIT $7
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Math.Max(range.FromId, afterAggId is { } a ? a + 1 : long.MinValue) });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Math.Min(range.ToId, beforeAggId ?? long.MaxValue) });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize + 1 });
        var rows = await ReadTradesAsync(cmd, ct);
        var more = rows.Count > pageSize;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        if (backwards)
        {
            rows.Reverse();
            return new TradePage(rows, HasNext: true, HasPrevious: more);
        }

        return new TradePage(rows, HasNext: more, HasPrevious: afterAggId is not null);
    }

    /// <summary>Liquidations of [fromMs, toMs): the <paramref name="limit"/> largest, in time order.</summary>
    public async Task<List<MarketLiquidation>> LiquidationsAsync(string symbol, long fromMs, long toMs, int limit = 500, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT time_ms, side, price, qty, usd FROM (
                SELECT time_ms, side, price, qty, usd FROM liquidations
                WHERE dataset_id = $1 AND symbol = $2 AND time_ms >= $3 AND time_ms < $4
                ORDER BY usd DESC LIMIT $5) l
            ORDER BY time_ms
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var result = new List<MarketLiquidation>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // Binance forceOrder: a SELL order closes a long position.
            result.Add(new MarketLiquidation(reader.GetInt64(0), reader.GetString(1) == "SELL", reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4)));
        }

        return result;
    }

    /// <summary>
    /// Funding rate over [fromMs, toMs): the dataset's snapshots, last of each <paramref name="intervalMs"/> bucket;
    /// without snapshots, the stored settlements of the symbol.
    /// </summary>
    public async Task<List<MarketFundingPoint>> FundingAsync(string symbol, long intervalMs, long fromMs, long toMs, CancellationToken ct = default)
    {
        var result = new List<MarketFundingPoint>();
        await using (var cmd = dataSource.CreateCommand("""
            SELECT ts / $5 * $5 AS t, (max(ARRAY[ts::float8, funding_rate]))[2]
            FROM funding_snapshots WHERE dataset_id = $1 AND symbol = $2 AND ts >= $3 AND ts < $4
            GROUP BY t ORDER BY t
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DatasetId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Math.Max(intervalMs, MarketBarStore.MinuteMs) });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                result.Add(new MarketFundingPoint(reader.GetInt64(0), reader.GetDouble(1)));
            }
        }

        if (result.Count > 0)
        {
            return result;
        }

        await using var settled = dataSource.CreateCommand(
            "SELECT funding_time_ms, rate FROM funding_rates WHERE symbol = $1 AND funding_time_ms >= $2 AND funding_time_ms < $3 ORDER BY funding_time_ms");
        settled.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        settled.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        settled.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        await using var r = await settled.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new MarketFundingPoint(r.GetInt64(0), r.GetDouble(1)));
        }

        return result;
    }

    /// <summary>Whole minutes overlapping [fromMs, toMs).</summary>
    public static (long From, long To) Minutes(long fromMs, long toMs) =>
        (MarketBarStore.MinuteOf(fromMs), Math.Max(MarketBarStore.MinuteOf(fromMs), MarketBarStore.MinuteOf(toMs - 1) + MarketBarStore.MinuteMs));

    private static async Task<List<MarketTrade>> ReadTradesAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var result = new List<MarketTrade>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new MarketTrade(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetBoolean(4)));
        }

        return result;
    }
}
