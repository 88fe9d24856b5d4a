using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Persistence.Archive;
using Npgsql;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>
/// One stretch of a symbol's history: an archived day (read from its file) or a time range read from PostgreSQL
/// (with its agg_id key range).
/// </summary>
public sealed record TradeSegment(ArchiveEntry? Archive, long FromMs, long ToMs, AggIdRange Range);

/// <summary>
/// Where the trades of a symbol in [from, to) are: archived days come from their files, every other stretch from
/// <c>agg_trades</c> — by the manifest, so a trade that is in both (a day archived while its rows still await deletion)
/// is read once. Segments are in time order; agg ids increase with time per symbol, so reading them in turn keeps
/// agg_id order.
/// </summary>
public static class TradeHistoryPlan
{
    /// <summary>
    /// The segments of <paramref name="symbol"/> for [fromMs, toMs), given its archived days (<paramref name="archived"/>,
    /// in day order; other symbols' entries are ignored). PostgreSQL stretches without trades and archived days whose
    /// trades lie outside the range are left out, so an empty list means no trades.
    /// </summary>
    public static async Task<IReadOnlyList<TradeSegment>> PlanAsync(
        NpgsqlConnection conn, int datasetId, string symbol, IReadOnlyList<ArchiveEntry> archived, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        var segments = new List<TradeSegment>();
        if (fromMs >= toMs)
        {
            return segments;
        }

        var cursor = fromMs;
        foreach (var entry in archived)
        {
            if (!string.Equals(entry.Symbol, symbol, StringComparison.Ordinal) || entry.DayEndMs <= fromMs || entry.DayStartMs >= toMs)
            {
                continue;
            }

            if (entry.DayStartMs > cursor)
            {
                await AddDatabaseAsync(conn, datasetId, symbol, cursor, entry.DayStartMs, segments, cancellationToken).ConfigureAwait(false);
            }

            var from = Math.Max(fromMs, entry.DayStartMs);
            var to = Math.Min(toMs, entry.DayEndMs);
            if (entry.File.LastTimeMs >= from && entry.File.FirstTimeMs < to)
            {
                segments.Add(new TradeSegment(entry, from, to, default));
            }

            cursor = Math.Max(cursor, entry.DayEndMs);
        }

        if (cursor < toMs)
        {
            await AddDatabaseAsync(conn, datasetId, symbol, cursor, toMs, segments, cancellationToken).ConfigureAwait(false);
        }

        return segments;
    }

    private static async Task AddDatabaseAsync(NpgsqlConnection conn, int datasetId, string symbol, long fromMs, long toMs, List<TradeSegment> segments, CancellationToken cancellationToken)
    {
        var range = await AggTradeCopy.RangeAsync(conn, datasetId, symbol, fromMs, toMs, cancellationToken).ConfigureAwait(false);
        if (!range.IsEmpty)
        {
            segments.Add(new TradeSegment(null, fromMs, toMs, range));
        }
    }

    /// <summary>
    /// Reads the segments in turn into chunks (see <see cref="AggTradeCopy.ReadAsync"/>): files through
    /// <see cref="ArchiveFile.ReadAsync"/> (checked against the manifest), database stretches by binary COPY on a
    /// connection opened when the first one comes. Returns the number of trades.
    /// </summary>
    public static async Task<long> ReadAsync(
        NpgsqlDataSource dataSource,
        int datasetId,
        string symbol,
        IReadOnlyList<TradeSegment> segments,
        long maxAggId,
        string? archiveRoot,
        Func<AggTrade[]> rent,
        Func<AggTrade[], int, ValueTask> publish,
        CancellationToken cancellationToken)
    {
        long total = 0;
        NpgsqlConnection? conn = null;
        try
        {
            foreach (var segment in segments)
            {
                if (segment.Archive is { } entry)
                {
                    total += await ArchiveFile.ReadAsync(entry.FullPath(archiveRoot), entry.File, segment.FromMs, segment.ToMs, maxAggId, rent, publish, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    conn ??= await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    total += await AggTradeCopy.ReadAsync(
                        conn, AggTradeCopy.CopySql(datasetId, symbol, segment.Range, segment.FromMs, segment.ToMs, maxAggId), rent, publish, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (conn is not null)
            {
                await conn.DisposeAsync().ConfigureAwait(false);
            }
        }

        return total;
    }
}
