using System.Buffers.Binary;
using System.Globalization;
using ArbitrageEngine.Engine.Market;
using Npgsql;

namespace ArbitrageEngine.Engine.Persistence.Market;

/// <summary>The agg_id interval [FromId, ToId) holding a symbol's trades of a time range (empty when FromId ≥ ToId).</summary>
public readonly record struct AggIdRange(long FromId, long ToId)
{
    public bool IsEmpty => FromId >= ToId;
}

/// <summary>
/// Fast reads of one symbol of one dataset from <c>agg_trades</c>, in agg_id order.
/// <para>
/// Time ranges are turned into agg_id ranges first: the primary key is (dataset_id, symbol, agg_id, time_ms), so a
/// filter on time alone would walk every index entry of the symbol in the month partition. Agg ids increase with
/// time per symbol (Binance's and the simulator's do), so the first id at or after a time is found by bisection
/// on the key (a few dozen single-row probes). The read itself is one
/// <c>COPY (SELECT … ORDER BY agg_id) TO STDOUT (FORMAT BINARY)</c> over that key range — an index scan in key order
/// (a Merge Append across monthly partitions), never a sort — parsed straight from the raw COPY stream.
/// </para>
/// </summary>
public static class AggTradeCopy
{
    private const int FieldCount = 5;
    private const int TupleBytes = 2 + (FieldCount * 4) + (4 * 8) + 1;
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    /// <summary>Symbols are upper-case letters and digits; checked because they are inlined into COPY (which takes no parameters).</summary>
    public static string CheckSymbol(string symbol)
    {
        if (symbol.Length == 0 || symbol.Length > 32 || !symbol.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"symbol '{symbol}' must be letters and digits", nameof(symbol));
        }

        return symbol;
    }

    /// <summary>The agg_id range of the trades of <paramref name="symbol"/> with time in [fromMs, toMs).</summary>
    public static async Task<AggIdRange> RangeAsync(NpgsqlConnection conn, int datasetId, string symbol, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        long minId, maxId;
        await using (var bounds = new NpgsqlCommand("SELECT min(agg_id), max(agg_id) FROM agg_trades WHERE dataset_id = $1 AND symbol = $2", conn))
        {
            bounds.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
            bounds.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
            await using var reader = await bounds.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.IsDBNull(0) || fromMs >= toMs)
            {
                return new AggIdRange(0, 0);
            }

            minId = reader.GetInt64(0);
            maxId = reader.GetInt64(1);
        }

        await using var probe = new NpgsqlCommand(
            "SELECT agg_id, time_ms FROM agg_trades WHERE dataset_id = $1 AND symbol = $2 AND agg_id >= $3 ORDER BY agg_id LIMIT 1", conn);
        probe.Parameters.Add(new NpgsqlParameter<int> { TypedValue = datasetId });
        probe.Parameters.Add(new NpgsqlParameter<string> { TypedValue = symbol });
        var at = new NpgsqlParameter<long>();
        probe.Parameters.Add(at);
        await probe.PrepareAsync(cancellationToken).ConfigureAwait(false);

        var first = await FirstAtOrAfterAsync(probe, at, minId, maxId, fromMs, cancellationToken).ConfigureAwait(false);
        if (first is null)
        {
            return new AggIdRange(0, 0);
        }

        var end = await FirstAtOrAfterAsync(probe, at, first.Value, maxId, toMs, cancellationToken).ConfigureAwait(false);
        return new AggIdRange(first.Value, end ?? maxId + 1);
    }

    /// <summary>Smallest stored agg_id ≥ <paramref name="lo"/> whose time is ≥ <paramref name="timeMs"/>, or null.</summary>
    private static async Task<long?> FirstAtOrAfterAsync(NpgsqlCommand probe, NpgsqlParameter<long> at, long lo, long maxId, long timeMs, CancellationToken cancellationToken)
    {
        // P(x) = "the first stored id ≥ x is missing or at/after timeMs" is monotone in x: find the smallest such x.
        var hi = maxId + 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var next = await NextAsync(probe, at, mid, cancellationToken).ConfigureAwait(false);
            if (next is null || next.Value.TimeMs >= timeMs)
            {
                hi = mid;
            }
            else
            {
                lo = next.Value.AggId + 1; // every x in [mid, next] has the same first stored id
            }
        }

        return await NextAsync(probe, at, lo, cancellationToken).ConfigureAwait(false) is { } found && found.TimeMs >= timeMs ? found.AggId : null;
    }

    private static async Task<(long AggId, long TimeMs)?> NextAsync(NpgsqlCommand probe, NpgsqlParameter<long> at, long id, CancellationToken cancellationToken)
    {
        at.TypedValue = id;
        await using var reader = await probe.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    /// <summary>The query reading <paramref name="range"/> (further limited to [fromMs, toMs) and agg_id ≤ maxAggId) in key order.</summary>
    public static string SelectSql(int datasetId, string symbol, AggIdRange range, long fromMs, long toMs, long maxAggId = long.MaxValue) =>
        string.Create(CultureInfo.InvariantCulture, $"""
            SELECT agg_id, time_ms, price, qty, is_buyer_maker FROM agg_trades
            WHERE dataset_id = {datasetId} AND symbol = '{CheckSymbol(symbol)}'
              AND agg_id >= {range.FromId} AND agg_id < {range.ToId} AND agg_id <= {maxAggId}
              AND time_ms >= {fromMs} AND time_ms < {toMs}
            ORDER BY agg_id
            """);

    /// <summary>The binary COPY of <see cref="SelectSql"/>.</summary>
    public static string CopySql(int datasetId, string symbol, AggIdRange range, long fromMs, long toMs, long maxAggId = long.MaxValue) =>
        $"COPY ({SelectSql(datasetId, symbol, range, fromMs, toMs, maxAggId)}) TO STDOUT (FORMAT BINARY)";

    /// <summary>
    /// Disables sorts and bitmap scans for the current transaction so the planner keeps the index order (the
    /// query is a key-range scan; a sort would hold the whole range in memory or on disk before the first row).
    /// </summary>
    public const string KeyOrderSettings = "SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off";

    /// <summary>
    /// Runs <paramref name="copySql"/> and parses the raw binary stream into chunks of trades: each full chunk (and the
    /// last partial one) goes to <paramref name="publish"/>, which takes ownership of the array; <paramref name="rent"/>
    /// supplies the next one. Returns the number of trades.
    /// </summary>
    public static async Task<long> ReadAsync(
        NpgsqlConnection conn, string copySql, Func<AggTrade[]> rent, Func<AggTrade[], int, ValueTask> publish, CancellationToken cancellationToken)
    {
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var settings = new NpgsqlCommand(KeyOrderSettings, conn, tx))
        {
            await settings.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long total = 0;
        var stream = await conn.BeginRawBinaryCopyAsync(copySql, cancellationToken).ConfigureAwait(false);
        var completed = false;
        try
        {
            var buffer = new byte[1 << 16];
            int start = 0, end = 0;

            async ValueTask Need(int bytes)
            {
                if (end - start >= bytes)
                {
                    return;
                }

                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
                while (end < bytes)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        throw new InvalidDataException("COPY stream ended inside a row");
                    }

                    end += read;
                }
            }

            await Need(Signature.Length + 8).ConfigureAwait(false);
            if (!buffer.AsSpan(start, Signature.Length).SequenceEqual(Signature))
            {
                throw new InvalidDataException("not a binary COPY stream");
            }

            var extension = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(start + Signature.Length + 4));
            start += Signature.Length + 8;
            await Need(extension).ConfigureAwait(false);
            start += extension;

            var chunk = rent();
            var count = 0;
            while (true)
            {
                await Need(2).ConfigureAwait(false);
                var fields = BinaryPrimitives.ReadInt16BigEndian(buffer.AsSpan(start));
                if (fields == -1)
                {
                    break;
                }

                if (fields != FieldCount)
                {
                    throw new InvalidDataException($"COPY row has {fields} fields, expected {FieldCount}");
                }

                await Need(TupleBytes).ConfigureAwait(false);
                chunk[count++] = ParseTuple(buffer.AsSpan(start, TupleBytes));
                start += TupleBytes;

                // Parse every complete tuple already buffered without going back through the async helper.
                while (count < chunk.Length && end - start >= TupleBytes && BinaryPrimitives.ReadInt16BigEndian(buffer.AsSpan(start)) == FieldCount)
                {
                    chunk[count++] = ParseTuple(buffer.AsSpan(start, TupleBytes));
                    start += TupleBytes;
                }

                if (count == chunk.Length)
                {
                    total += count;
                    await publish(chunk, count).ConfigureAwait(false);
                    chunk = rent();
                    count = 0;
                }
            }

            if (count > 0)
            {
                total += count;
                await publish(chunk, count).ConfigureAwait(false);
            }

            // Drain to the end of the COPY so the connection is ready for the next command.
            while (await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }

            completed = true;
        }
        finally
        {
            if (!completed)
            {
                try
                {
                    await stream.CancelAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
                {
                    // The connection is discarded with the failure that got us here.
                }
            }

            await stream.DisposeAsync().ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return total;
    }

    private static AggTrade ParseTuple(ReadOnlySpan<byte> t)
    {
        // int16 field count, then per field: int32 length + value (agg_id, time_ms, price, qty: 8 bytes; is_buyer_maker: 1).
        if (BinaryPrimitives.ReadInt32BigEndian(t[2..]) != 8 || BinaryPrimitives.ReadInt32BigEndian(t[14..]) != 8
            || BinaryPrimitives.ReadInt32BigEndian(t[26..]) != 8 || BinaryPrimitives.ReadInt32BigEndian(t[38..]) != 8
            || BinaryPrimitives.ReadInt32BigEndian(t[50..]) != 1)
        {
            throw new InvalidDataException("unexpected field length in COPY row");
        }

        return new AggTrade(
            BinaryPrimitives.ReadInt64BigEndian(t[6..]),
            BinaryPrimitives.ReadInt64BigEndian(t[18..]),
            BinaryPrimitives.ReadDoubleBigEndian(t[30..]),
            BinaryPrimitives.ReadDoubleBigEndian(t[42..]),
            t[54] != 0);
    }
}
