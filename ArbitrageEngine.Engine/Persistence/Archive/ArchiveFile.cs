using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using ArbitrageEngine.Engine.Market;
using Parquet;
using Parquet.Schema;

namespace ArbitrageEngine.Engine.Persistence.Archive;

/// <summary>An archive file that is missing, unreadable or does not match its manifest entry: the message names the file.</summary>
public sealed class ArchiveFileException(string path, string reason, Exception? inner = null)
    : Exception($"archive file '{path}' {reason}", inner)
{
    public string FilePath { get; } = path;
}

/// <summary>What writing one archive file produced (the manifest row's figures).</summary>
public sealed record ArchiveFileInfo(long Rows, long Bytes, long FirstAggId, long LastAggId, long FirstTimeMs, long LastTimeMs, string Checksum);

/// <summary>
/// One archive file: the aggregate trades of one dataset, symbol and UTC day as Parquet (zstd), in agg_id order.
/// <para>
/// Columns, chosen to be small: <c>agg_id</c> and <c>time_ms</c> (int64, DELTA_BINARY_PACKED: ids step by one and
/// times by a few ms, so a value costs a few bits), <c>price</c> as integer ticks (int64, DELTA_BINARY_PACKED;
/// <c>price = ticks / 10^scale</c>), <c>qty</c> as integer lots (int64; <c>qty = lots / 10^scale</c>) and
/// <c>is_buyer_maker</c> (boolean, one bit). The decimal scale of price and qty is the smallest that gives every value
/// of the row group back bit for bit (Binance and the simulator produce decimal prices and quantities, and
/// <c>n / 10^s</c> is the double nearest the decimal, exactly as parsing it); a row group whose values have no such
/// scale stores the raw IEEE bits (scale <c>-1</c>), so the archive is always lossless. Scales are per row group, in
/// the column chunk's key-value metadata.
/// </para>
/// </summary>
public static class ArchiveFile
{
    /// <summary>Rows per row group: bounds the reader's buffers (5 columns × 8 bytes × this, per symbol).</summary>
    public const int RowGroupRows = 65_536;

    public const string FormatVersion = "1";

    private const string ScaleKey = "decimal_scale";
    private const string HashKey = "rows_hash";
    private const int MaxScale = 12;

    private static readonly DataField<long> AggIdField = new("agg_id");
    private static readonly DataField<long> TimeField = new("time_ms");
    private static readonly DataField<long> PriceField = new("price");
    private static readonly DataField<long> QtyField = new("qty");
    private static readonly DataField<bool> SideField = new("is_buyer_maker");
    private static readonly ParquetSchema Schema = new(AggIdField, TimeField, PriceField, QtyField, SideField);

    private static readonly double[] Pow10 = [.. Enumerable.Range(0, MaxScale + 1).Select(i => Math.Pow(10, i))];

    private static ParquetOptions WriteOptions()
    {
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Zstd, CompressionLevel = System.IO.Compression.CompressionLevel.Optimal };
        options.ColumnEncodingHints[AggIdField.Path.ToString()] = EncodingHint.DeltaBinaryPacked;
        options.ColumnEncodingHints[TimeField.Path.ToString()] = EncodingHint.DeltaBinaryPacked;
        options.ColumnEncodingHints[PriceField.Path.ToString()] = EncodingHint.DeltaBinaryPacked;
        return options;
    }

    /// <summary>
    /// Writes <paramref name="trades"/> (strictly increasing agg ids) to <paramref name="path"/> atomically: a temp file
    /// in the same folder, flushed, then renamed over the target. Returns the figures for the manifest.
    /// </summary>
    public static async Task<ArchiveFileInfo> WriteAsync(string path, IReadOnlyList<AggTrade> trades, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (trades.Count == 0)
        {
            throw new ArgumentException("an archive file holds at least one trade", nameof(trades));
        }

        for (var i = 1; i < trades.Count; i++)
        {
            if (trades[i].AggId <= trades[i - 1].AggId)
            {
                throw new ArgumentException($"trades must be in strictly increasing agg_id order (agg_id {trades[i].AggId} after {trades[i - 1].AggId})", nameof(trades));
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await using (var writer = await ParquetWriter.CreateAsync(Schema, stream, WriteOptions(), cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    writer.CustomMetadata = new Dictionary<string, string>(metadata) { ["archive_format"] = FormatVersion, ["rows"] = trades.Count.ToString(CultureInfo.InvariantCulture) };
                    var ids = new long[Math.Min(RowGroupRows, trades.Count)];
                    var times = new long[ids.Length];
                    var prices = new long[ids.Length];
                    var qtys = new long[ids.Length];
                    var sides = new bool[ids.Length];
                    var raw = new double[ids.Length];
                    for (var start = 0; start < trades.Count; start += RowGroupRows)
                    {
                        var n = Math.Min(RowGroupRows, trades.Count - start);
                        for (var i = 0; i < n; i++)
                        {
                            var t = trades[start + i];
                            (ids[i], times[i], sides[i]) = (t.AggId, t.TimeMs, t.IsBuyerMaker);
                        }

                        for (var i = 0; i < n; i++)
                        {
                            raw[i] = trades[start + i].Price;
                        }

                        var priceScale = Encode(raw.AsSpan(0, n), prices);
                        for (var i = 0; i < n; i++)
                        {
                            raw[i] = trades[start + i].Qty;
                        }

                        var qtyScale = Encode(raw.AsSpan(0, n), qtys);
                        using var rg = writer.CreateRowGroup();
                        var hash = Hash(ids.AsSpan(0, n), times.AsSpan(0, n), prices.AsSpan(0, n), qtys.AsSpan(0, n), sides.AsSpan(0, n));
                        await rg.WriteAsync<long>(AggIdField, (ReadOnlyMemory<long>)ids.AsMemory(0, n), customMetadata: new Dictionary<string, string> { [HashKey] = hash.ToString("x16", CultureInfo.InvariantCulture) }, cancellationToken: cancellationToken).ConfigureAwait(false);
                        await rg.WriteAsync<long>(TimeField, (ReadOnlyMemory<long>)times.AsMemory(0, n), cancellationToken: cancellationToken).ConfigureAwait(false);
                        await rg.WriteAsync<long>(PriceField, (ReadOnlyMemory<long>)prices.AsMemory(0, n), customMetadata: ScaleMetadata(priceScale), cancellationToken: cancellationToken).ConfigureAwait(false);
                        await rg.WriteAsync<long>(QtyField, (ReadOnlyMemory<long>)qtys.AsMemory(0, n), customMetadata: ScaleMetadata(qtyScale), cancellationToken: cancellationToken).ConfigureAwait(false);
                        await rg.WriteAsync<bool>(SideField, (ReadOnlyMemory<bool>)sides.AsMemory(0, n), cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                }

                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            var bytes = new FileInfo(temp).Length;
            var checksum = await ChecksumAsync(temp, cancellationToken).ConfigureAwait(false);
            File.Move(temp, path, overwrite: true);
            return new ArchiveFileInfo(trades.Count, bytes, trades[0].AggId, trades[^1].AggId, trades[0].TimeMs, trades[^1].TimeMs, checksum);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// A 64-bit hash of a row group's stored values, kept in its <c>agg_id</c> chunk's metadata: a file is checked
    /// against it even without its manifest row (zstd and Parquet pages carry no checksum here, so a flipped bit
    /// would otherwise decode into a different trade).
    /// </summary>
    private static ulong Hash(ReadOnlySpan<long> ids, ReadOnlySpan<long> times, ReadOnlySpan<long> prices, ReadOnlySpan<long> qtys, ReadOnlySpan<bool> sides)
    {
        const ulong K1 = 0x9E3779B97F4A7C15, K2 = 0xC2B2AE3D27D4EB4F;
        ulong h = (ulong)ids.Length * K2;
        for (var i = 0; i < ids.Length; i++)
        {
            var v = ((ulong)ids[i] * K1) ^ ((ulong)times[i] * K2) ^ System.Numerics.BitOperations.RotateLeft((ulong)prices[i] * K1, 21)
                ^ System.Numerics.BitOperations.RotateLeft((ulong)qtys[i] * K2, 42) ^ (sides[i] ? K1 : 0);
            h = System.Numerics.BitOperations.RotateLeft(h ^ v, 27) * K1;
        }

        return h;
    }

    private static Dictionary<string, string> ScaleMetadata(int scale) => new() { [ScaleKey] = scale.ToString(CultureInfo.InvariantCulture) };

    /// <summary>The smallest decimal scale that gives every value back exactly (then fills <paramref name="units"/>), or -1 with raw bits.</summary>
    private static int Encode(ReadOnlySpan<double> values, long[] units)
    {
        for (var scale = 0; scale <= MaxScale; scale++)
        {
            var pow = Pow10[scale];
            var ok = true;
            for (var i = 0; i < values.Length; i++)
            {
                var v = Math.Round(values[i] * pow);
                if (!(Math.Abs(v) < 9e15) || v / pow != values[i])
                {
                    ok = false;
                    break;
                }

                units[i] = (long)v;
            }

            if (ok)
            {
                return scale;
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            units[i] = BitConverter.DoubleToInt64Bits(values[i]);
        }

        return -1;
    }

    /// <summary>SHA-256 of the file, lower-case hex.</summary>
    public static async Task<string> ChecksumAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Reads the trades with time in [fromMs, toMs) and agg_id ≤ <paramref name="maxAggId"/> in agg_id order into chunks:
    /// each full chunk (and the last partial one) goes to <paramref name="publish"/>, which takes ownership of the
    /// array; <paramref name="rent"/> supplies the next. The file is checked against <paramref name="expected"/> (checksum
    /// and row count) when given. A missing, corrupt or mismatching file throws <see cref="ArchiveFileException"/>.
    /// Returns the number of trades published.
    /// </summary>
    public static async Task<long> ReadAsync(
        string path, ArchiveFileInfo? expected, long fromMs, long toMs, long maxAggId, Func<AggTrade[]> rent, Func<AggTrade[], int, ValueTask> publish, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArchiveFileException(path, "is missing", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArchiveFileException(path, $"cannot be read: {ex.Message}", ex);
        }

        if (expected is not null)
        {
            if (content.Length != expected.Bytes)
            {
                throw new ArchiveFileException(path, $"is corrupt: {content.Length} bytes, the manifest says {expected.Bytes}");
            }

            var checksum = Convert.ToHexStringLower(SHA256.HashData(content));
            if (!string.Equals(checksum, expected.Checksum, StringComparison.Ordinal))
            {
                throw new ArchiveFileException(path, $"is corrupt: checksum {checksum} does not match the manifest's {expected.Checksum}");
            }
        }

        try
        {
            return await DecodeAsync(content, expected, fromMs, toMs, maxAggId, rent, publish, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not ArchiveFileException and not OperationCanceledException)
        {
            throw new ArchiveFileException(path, $"is corrupt: {ex.Message}", ex);
        }
    }

    private static async Task<long> DecodeAsync(
        byte[] content, ArchiveFileInfo? expected, long fromMs, long toMs, long maxAggId, Func<AggTrade[]> rent, Func<AggTrade[], int, ValueTask> publish, CancellationToken cancellationToken)
    {
        using var input = new MemoryStream(content, writable: false);
        await using var reader = await ParquetReader.CreateAsync(input, cancellationToken: cancellationToken).ConfigureAwait(false);
        var fields = reader.Schema.DataFields;
        if (fields.Length != 5 || fields[0].Name != "agg_id" || fields[1].Name != "time_ms" || fields[2].Name != "price" || fields[3].Name != "qty" || fields[4].Name != "is_buyer_maker")
        {
            throw new InvalidDataException($"unexpected columns ({string.Join(", ", fields.Select(f => f.Name))})");
        }

        long rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            rows += reader.OpenRowGroupReader(g).RowCount;
        }

        if (expected is not null && rows != expected.Rows)
        {
            throw new InvalidDataException($"{rows} rows, the manifest says {expected.Rows}");
        }

        var pool = ArrayPool<long>.Shared;
        var ids = pool.Rent(RowGroupRows);
        var times = pool.Rent(RowGroupRows);
        var prices = pool.Rent(RowGroupRows);
        var qtys = pool.Rent(RowGroupRows);
        var sides = ArrayPool<bool>.Shared.Rent(RowGroupRows);
        long total = 0;
        try
        {
            var chunk = rent();
            var count = 0;
            var lastId = long.MinValue;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var rg = reader.OpenRowGroupReader(g);
                var n = checked((int)rg.RowCount);
                if (n > RowGroupRows)
                {
                    throw new InvalidDataException($"row group {g} has {n} rows (at most {RowGroupRows})");
                }

                // Skip row groups wholly outside the range by their time column's statistics-free check below: times are
                // read first (cheap) and the group is dropped when it ends before fromMs or starts at/after toMs.
                await rg.ReadAsync(TimeField, times.AsMemory(0, n), cancellationToken: cancellationToken).ConfigureAwait(false);
                if (n == 0 || times[n - 1] < fromMs || times[0] >= toMs)
                {
                    continue;
                }

                await rg.ReadAsync(AggIdField, ids.AsMemory(0, n), cancellationToken: cancellationToken).ConfigureAwait(false);
                await rg.ReadAsync(PriceField, prices.AsMemory(0, n), cancellationToken: cancellationToken).ConfigureAwait(false);
                await rg.ReadAsync(QtyField, qtys.AsMemory(0, n), cancellationToken: cancellationToken).ConfigureAwait(false);
                await rg.ReadAsync(SideField, sides.AsMemory(0, n), cancellationToken: cancellationToken).ConfigureAwait(false);
                var stored = rg.GetCustomMetadata(AggIdField).TryGetValue(HashKey, out var hashText) ? hashText : null;
                var actual = Hash(ids.AsSpan(0, n), times.AsSpan(0, n), prices.AsSpan(0, n), qtys.AsSpan(0, n), sides.AsSpan(0, n)).ToString("x16", CultureInfo.InvariantCulture);
                if (!string.Equals(stored, actual, StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"row group {g} does not match its {HashKey} ({stored ?? "missing"} stored, {actual} read)");
                }

                var priceScale = ScaleOf(rg, PriceField);
                var qtyScale = ScaleOf(rg, QtyField);

                var i = 0;
                while (i < n)
                {
                    // Fill the current chunk from this row group in one tight loop.
                    var take = Math.Min(n - i, chunk.Length - count);
                    count += Fill(chunk.AsSpan(count, take), ids.AsSpan(i, take), times.AsSpan(i, take), prices.AsSpan(i, take), qtys.AsSpan(i, take), sides.AsSpan(i, take),
                        priceScale, qtyScale, fromMs, toMs, maxAggId, ref lastId);
                    i += take;
                    if (count == chunk.Length)
                    {
                        total += count;
                        await publish(chunk, count).ConfigureAwait(false);
                        chunk = rent();
                        count = 0;
                    }
                }
            }

            if (count > 0)
            {
                total += count;
                await publish(chunk, count).ConfigureAwait(false);
            }
        }
        finally
        {
            pool.Return(ids);
            pool.Return(times);
            pool.Return(prices);
            pool.Return(qtys);
            ArrayPool<bool>.Shared.Return(sides);
        }

        return total;
    }

    /// <summary>Decodes rows into <paramref name="output"/> keeping those in range; returns how many were kept.</summary>
    private static int Fill(
        Span<AggTrade> output, ReadOnlySpan<long> ids, ReadOnlySpan<long> times, ReadOnlySpan<long> prices, ReadOnlySpan<long> qtys, ReadOnlySpan<bool> sides,
        int priceScale, int qtyScale, long fromMs, long toMs, long maxAggId, ref long lastId)
    {
        var pp = priceScale >= 0 ? Pow10[priceScale] : 0;
        var qp = qtyScale >= 0 ? Pow10[qtyScale] : 0;
        var kept = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            if (id <= lastId)
            {
                throw new InvalidDataException($"agg_id {id} after {lastId}: not in increasing order");
            }

            lastId = id;
            var t = times[i];
            if (t < fromMs || t >= toMs || id > maxAggId)
            {
                continue;
            }

            var price = priceScale >= 0 ? prices[i] / pp : BitConverter.Int64BitsToDouble(prices[i]);
            var qty = qtyScale >= 0 ? qtys[i] / qp : BitConverter.Int64BitsToDouble(qtys[i]);
            output[kept++] = new AggTrade(id, t, price, qty, sides[i]);
        }

        return kept;
    }

    private static int ScaleOf(ParquetRowGroupReader rg, DataField field)
    {
        var metadata = rg.GetCustomMetadata(field);
        if (!metadata.TryGetValue(ScaleKey, out var text) || !int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var scale) || scale < -1 || scale > MaxScale)
        {
            throw new InvalidDataException($"column {field.Name} has no valid {ScaleKey}");
        }

        return scale;
    }
}
