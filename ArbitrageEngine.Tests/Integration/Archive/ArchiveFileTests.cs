using ArbitrageEngine.Engine.Market;
using ArbitrageEngine.Engine.Persistence.Archive;

namespace ArbitrageEngine.Tests.Integration.Archive;

public sealed class ArchiveFileTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"ae-archive-file-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static readonly Dictionary<string, string> Meta = new() { ["dataset"] = "t" };

    /// <summary>Decimal prices and quantities (as parsed from Binance's text), several trades per millisecond, both sides.</summary>
    private static List<AggTrade> DecimalTrades(int count, long start = 1_790_000_000_000)
    {
        var rng = new Random(7);
        var price = 60_000.0;
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            price = Math.Round(price + (rng.Next(-3, 4) * 0.1), 1);
            return new AggTrade(1_000_000 + i, start + (i / 3 * 7), price, Math.Round(0.001 * rng.Next(1, 5000), 3), rng.Next(2) == 0);
        })];
    }

    private static async Task<List<AggTrade>> ReadAllAsync(string path, ArchiveFileInfo? expected, long from = long.MinValue, long to = long.MaxValue, long maxAggId = long.MaxValue)
    {
        var list = new List<AggTrade>();
        var chunk = new AggTrade[1000];
        await ArchiveFile.ReadAsync(path, expected, from, to, maxAggId, () => chunk, (items, count) =>
        {
            list.AddRange(items.AsSpan(0, count));
            return ValueTask.CompletedTask;
        }, CancellationToken.None);
        return list;
    }

    [Fact]
    public async Task WriteAsync_DecimalTradesOverSeveralRowGroups_ReadBackBitForBit()
    {
        var trades = DecimalTrades(ArchiveFile.RowGroupRows + 12_345);
        var path = Path.Combine(_root, "BTCUSDT", "2026-09-21.parquet");

        var info = await ArchiveFile.WriteAsync(path, trades, Meta, CancellationToken.None);
        var back = await ReadAllAsync(path, info);

        Assert.Equal(trades, back); // record equality: ids, times, price and qty bits, side
        Assert.Equal(trades.Count, info.Rows);
        Assert.Equal((trades[0].AggId, trades[^1].AggId, trades[0].TimeMs, trades[^1].TimeMs), (info.FirstAggId, info.LastAggId, info.FirstTimeMs, info.LastTimeMs));
        Assert.Equal(new FileInfo(path).Length, info.Bytes);
        Assert.True((double)info.Bytes / info.Rows < 12, $"{(double)info.Bytes / info.Rows:0.00} bytes per trade");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public async Task WriteAsync_PricesWithoutDecimalScale_StoredAsRawBitsAndReadBackExactly()
    {
        // 0.1 + 0.2 and thirds have no short decimal form: the row group falls back to the raw IEEE bits.
        var trades = new List<AggTrade>
        {
            new(1, 10, 0.1 + 0.2, 1.0 / 3, true),
            new(2, 10, Math.PI, 1e-9, false),
            new(3, 11, 123.456, 2, false),
        };
        var path = Path.Combine(_root, "raw.parquet");

        var info = await ArchiveFile.WriteAsync(path, trades, Meta, CancellationToken.None);

        Assert.Equal(trades, await ReadAllAsync(path, info));
    }

    [Fact]
    public async Task ReadAsync_TimeRangeAndMaxAggId_ReturnsOnlyTradesInside()
    {
        var trades = DecimalTrades(3000);
        var path = Path.Combine(_root, "range.parquet");
        var info = await ArchiveFile.WriteAsync(path, trades, Meta, CancellationToken.None);
        var from = trades[500].TimeMs;
        var to = trades[2000].TimeMs;
        var maxId = trades[1800].AggId;

        var back = await ReadAllAsync(path, info, from, to, maxId);

        Assert.Equal(trades.Where(t => t.TimeMs >= from && t.TimeMs < to && t.AggId <= maxId), back);
    }

    [Fact]
    public async Task ReadAsync_FlippedByte_ThrowsNamingTheFile()
    {
        var path = Path.Combine(_root, "corrupt.parquet");
        var info = await ArchiveFile.WriteAsync(path, DecimalTrades(5000), Meta, CancellationToken.None);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);

        var withManifest = await Assert.ThrowsAsync<ArchiveFileException>(() => ReadAllAsync(path, info));
        var withoutManifest = await Assert.ThrowsAsync<ArchiveFileException>(() => ReadAllAsync(path, null));

        Assert.Contains(path, withManifest.Message);
        Assert.Contains("checksum", withManifest.Message);
        Assert.Contains(path, withoutManifest.Message);
        Assert.Contains("corrupt", withoutManifest.Message);
    }

    [Fact]
    public async Task ReadAsync_TruncatedOrMissingFile_ThrowsNamingTheFile()
    {
        var path = Path.Combine(_root, "truncated.parquet");
        var info = await ArchiveFile.WriteAsync(path, DecimalTrades(100), Meta, CancellationToken.None);
        await File.WriteAllBytesAsync(path, (await File.ReadAllBytesAsync(path))[..40]);
        var missing = Path.Combine(_root, "missing.parquet");

        var truncated = await Assert.ThrowsAsync<ArchiveFileException>(() => ReadAllAsync(path, info));
        var gone = await Assert.ThrowsAsync<ArchiveFileException>(() => ReadAllAsync(missing, info));

        Assert.Contains(path, truncated.Message);
        Assert.Contains($"archive file '{missing}' is missing", gone.Message);
    }

    [Fact]
    public async Task WriteAsync_UnorderedTrades_RefusedAndNothingWritten()
    {
        var path = Path.Combine(_root, "unordered.parquet");

        await Assert.ThrowsAsync<ArgumentException>(() => ArchiveFile.WriteAsync(path, [new AggTrade(2, 1, 1, 1, true), new AggTrade(2, 2, 1, 1, true)], Meta, CancellationToken.None));

        Assert.False(File.Exists(path));
    }
}
